// SPDX-License-Identifier: MIT
using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace UcPolicy.TestPki
{
    /// <summary>An HTTP server on 127.0.0.1 that answers every GET with one CRL and counts the
    /// requests. One connection at a time; it stops when disposed.</summary>
    public sealed class LoopbackCrlServer : IDisposable
    {
        readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
        readonly CancellationTokenSource stop = new CancellationTokenSource();
        readonly Task loop;
        int requests;

        public LoopbackCrlServer()
        {
            listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/issuing.crl";
            loop = Task.Run(Serve);
        }

        /// <summary>The URL to name as a distribution point.</summary>
        public string Url { get; }

        /// <summary>The CRL served (set it once the certificate naming <see cref="Url"/> exists).</summary>
        public byte[] Crl { get; set; } = Array.Empty<byte>();

        /// <summary>The requests answered so far.</summary>
        public int Requests => Volatile.Read(ref requests);

        async Task Serve()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
                using (client)
                using (NetworkStream stream = client.GetStream())
                {
                    stream.ReadTimeout = 5000;
                    // The request line and headers, up to the empty line (a GET has no body).
                    var head = new StringBuilder();
                    var buffer = new byte[1024];
                    while (!head.ToString().Contains("\r\n\r\n") && head.Length < 16384)
                    {
                        int n = stream.Read(buffer, 0, buffer.Length);
                        if (n <= 0)
                            break;
                        head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    Interlocked.Increment(ref requests);
                    byte[] crl = Crl;
                    byte[] header = Encoding.ASCII.GetBytes(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: " + crl.Length +
                        "\r\nConnection: close\r\n\r\n");
                    stream.Write(header, 0, header.Length);
                    stream.Write(crl, 0, crl.Length);
                }
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            try
            {
                loop.Wait(5000);
            }
            catch (AggregateException)
            {
            }
            stop.Dispose();
        }
    }
}
