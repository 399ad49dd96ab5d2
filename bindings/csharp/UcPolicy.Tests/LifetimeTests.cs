// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using UcPolicy.Interop;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Deterministic disposal, finalizer-thread disposal, and one checker shared by threads.</summary>
    [Collection(SerialCollection.Name)]
    public class LifetimeTests
    {
        readonly PkiFixture f;

        public LifetimeTests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void DisposeTwice()
        {
            long before = CheckerHandle.Released;
            var checker = f.NewChecker();
            Report report = checker.Check(f.WildcardUmPath, "UM", f.UmTopology);
            checker.Dispose();
            checker.Dispose();
            Assert.True(checker.IsDisposed);
            Assert.Equal(before + 1, CheckerHandle.Released); // freed exactly once

            Assert.Throws<ObjectDisposedException>(() => checker.Check(f.CorrectUmPath, "UM"));
            Assert.Throws<ObjectDisposedException>(() => checker.ValidationTime = f.Pki.Now);
            // The report is a managed copy: valid after its checker is gone.
            Assert.Equal(Result.Fail, report.Result);
            Assert.Contains("configured server", report.Findings.Single(x => x.Code == "subject.cn-wildcard").Remediation);

            var input = CertificateInput.FromFile(f.CorrectUmPath);
            input.Dispose();
            input.Dispose();
            using Checker other = f.NewChecker();
            Assert.Throws<ObjectDisposedException>(() => other.Check(input, "UM"));
            Assert.Equal(PkiFixture.UmFqdn, input.Leaf.CommonName); // read at creation, still there
        }

        [Fact]
        public void FinalizerFreesWhatWasNotDisposed()
        {
            const int count = 40;
            long checkers = CheckerHandle.Released;
            long inputs = InputHandle.Released;
            List<Report> reports = Abandon(count);

            for (int i = 0; i < 10 && (CheckerHandle.Released - checkers < count || InputHandle.Released - inputs < count); i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            Assert.True(CheckerHandle.Released - checkers >= count, "checkers freed: " + (CheckerHandle.Released - checkers));
            Assert.True(InputHandle.Released - inputs >= count, "inputs freed: " + (InputHandle.Released - inputs));
            // Every report was copied out before its checker was abandoned.
            Assert.All(reports, r => Assert.True(r.HasFinding("subject.cn-wildcard")));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        List<Report> Abandon(int count)
        {
            var reports = new List<Report>();
            for (int i = 0; i < count; i++)
            {
                var checker = f.NewChecker();
                var input = CertificateInput.FromFile(f.WildcardUmPath);
                reports.Add(checker.Check(input, "UM", f.UmTopology));
            }
            return reports;
        }

        [Fact]
        public async Task FinalizerRunsWhileOtherThreadsCheck()
        {
            using Checker shared = f.NewChecker();
            using var stop = new CancellationTokenSource();
            using var running = new CountdownEvent(2);
            var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                int n = 0;
                while (!stop.IsCancellationRequested)
                {
                    Assert.Equal(Result.Pass, shared.Check(f.CorrectUmPath, "UM", f.UmTopology).Result);
                    if (n++ == 0)
                        running.Signal();
                }
                return n;
            })).ToArray();
            // Both workers are checking before the finalizer starts freeing.
            Assert.True(running.Wait(TimeSpan.FromSeconds(60)));
            long before = CheckerHandle.Released;
            for (int round = 0; round < 5; round++)
            {
                Abandon(10);
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            stop.Cancel();
            int[] counts = await Task.WhenAll(workers);
            Assert.All(counts, n => Assert.True(n > 0));
            Assert.True(CheckerHandle.Released - before >= 40);
        }

        [Fact]
        public void OneCheckerManyThreads()
        {
            using Checker checker = f.NewChecker();
            string[] paths = { f.CorrectUmPath, f.WildcardUmPath };
            Result[] expected = paths.Select(p => checker.Check(p, "UM", f.UmTopology).Result).ToArray();
            Assert.Equal(new[] { Result.Pass, Result.Fail }, expected);

            var results = new Result[8][];
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            {
                results[t] = Enumerable.Range(0, 40).Select(i => checker.Check(paths[(t + i) % 2], "UM", f.UmTopology).Result).ToArray();
            });
            for (int t = 0; t < 8; t++)
            {
                for (int i = 0; i < 40; i++)
                    Assert.Equal(expected[(t + i) % 2], results[t][i]);
            }
        }

        [Fact]
        public async Task ConfigurationWhileChecking()
        {
            // A certificate 20 days from expiry warns with the 30-day setting and not with 10:
            // reconfiguring between checks is serialised, each check sees one setting or the other.
            using X509Certificate2 soon = f.Pki.Leaf(PkiFixture.UmFqdn).ExpiresInDays(20).Build();
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            using var stop = new CancellationTokenSource();
            var toggler = Task.Run(() =>
            {
                int i = 0;
                while (!stop.IsCancellationRequested)
                    checker.ExpiryWarningDays = (i++ % 2 == 0) ? 10 : 30;
                return i;
            });
            var seen = new HashSet<Result>();
            for (int i = 0; i < 300; i++)
            {
                Report r = checker.Check(soon, "UM", f.UmTopology);
                Assert.True(r.Result == Result.Pass || (r.Result == Result.Warning && r.Findings.Single().Code == "validity.expiring"));
                lock (seen)
                    seen.Add(r.Result);
            }
            stop.Cancel();
            Assert.True(await toggler > 0);
        }

        [Fact]
        public async Task DisposeWhileOtherThreadsCheck()
        {
            long before = CheckerHandle.Released;
            var checker = f.NewChecker();
            int checks = 0;
            using var started = new CountdownEvent(4);
            var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                started.Signal();
                while (true)
                {
                    try
                    {
                        checker.Check(f.CorrectUmPath, "UM", f.UmTopology);
                        Interlocked.Increment(ref checks);
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                }
            })).ToArray();
            started.Wait();
            while (Volatile.Read(ref checks) < 20)
                Thread.Sleep(1);
            checker.Dispose();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(before + 1, CheckerHandle.Released);
        }
    }
}
