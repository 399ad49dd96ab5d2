// SPDX-License-Identifier: MIT
using System;
using UcPolicy.Interop;

namespace UcPolicy
{
    /// <summary>
    /// One batch rendered by the library as its inputs complete (a ucp_renderer): add each report
    /// (<see cref="Add"/>) or each input that could not be read (<see cref="AddError(string, UcPolicyException)"/>)
    /// and write the text each call returns, then write what <see cref="Finish"/> returns. The
    /// concatenation is the document `ucpolicy check --format FORMAT FILE...` prints (which adds a
    /// newline after JSON and SARIF). It keeps no report; afterwards it gives the batch's counts,
    /// summary line and exit status. Dispose it (it holds native memory); calls are serialised,
    /// so one renderer may be fed from several threads.
    /// </summary>
    /// <example>
    /// <code>
    /// using var renderer = new ReportRenderer(OutputFormat.Sarif);
    /// foreach (string file in files)
    ///     output.Write(renderer.Add(checker.Check(file, "UM", topology)));
    /// output.Write(renderer.Finish());
    /// return renderer.GetExitCode();
    /// </code>
    /// </example>
    /// <remarks>Since 1.1.</remarks>
    public sealed class ReportRenderer : IDisposable
    {
        readonly RendererHandle handle;
        readonly object gate = new object();
        bool finished;

        /// <summary>Starts a batch rendered as the command renders it (<see cref="RenderOptions.Pretty"/>
        /// and <see cref="RenderOptions.Flat"/>), judged with <c>--fail-on warning</c>.</summary>
        /// <param name="format">The format.</param>
        public ReportRenderer(OutputFormat format)
            : this(format, RenderOptions.Pretty | RenderOptions.Flat, Severity.Warning)
        {
        }

        /// <summary>Starts a batch judged with <c>--fail-on warning</c>.</summary>
        /// <param name="format">The format.</param>
        /// <param name="options">How to render.</param>
        public ReportRenderer(OutputFormat format, RenderOptions options)
            : this(format, options, Severity.Warning)
        {
        }

        // No optional arguments here: PowerShell cannot omit an optional Nullable<enum> argument
        // ("Expression of type 'System.Int32' cannot be used for parameter of type
        // 'System.Nullable`1[UcPolicy.Severity]'"), so the shorter forms are overloads.

        /// <summary>Starts a batch.</summary>
        /// <param name="format">The format.</param>
        /// <param name="options">How to render; the command's: <see cref="RenderOptions.Pretty"/> and
        /// <see cref="RenderOptions.Flat"/>.</param>
        /// <param name="failOn">For the documents that judge (JUnit: which test cases fail; Nagios: the
        /// state of the status line; SARIF: the exit code of the invocation), the lowest severity
        /// that fails (null: never); the command's default is Warning.</param>
        /// <exception cref="UcPolicyException"><paramref name="format"/> is not a format (<see cref="UcPolicyErrorCode.InvalidArgument"/>).</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="failOn"/> is not a severity.</exception>
        public ReportRenderer(OutputFormat format, RenderOptions options, Severity? failOn)
        {
            ucp_fail_on level = Util.FailOn(failOn, nameof(failOn));
            NativeLibraryLoader.EnsureLoaded();
            Native.UcpRendererNew(out handle, (ucp_output_format)format, (uint)options);
            try
            {
                Native.UcpRendererSetFailOn(handle, level);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            Format = format;
            Options = options;
        }

        /// <summary>The format.</summary>
        public OutputFormat Format { get; }

        /// <summary>The render options.</summary>
        public RenderOptions Options { get; }

        /// <summary>Adds a report; returns the text to write now (possibly empty: HTML, JUnit and
        /// Nagios write their whole document at the end).</summary>
        /// <exception cref="InvalidOperationException">The batch is finished.</exception>
        public string Add(Report report)
        {
            if (report == null)
                throw new ArgumentNullException(nameof(report));
            lock (gate)
            {
                CheckOpen();
                return Buffers.Take((ref UcpBuffer b) => Native.UcpRendererAddReport(handle, report.Handle, ref b));
            }
        }

        /// <summary>
        /// Adds an input that could not be read: it gets its entry in every format (JSON: the error
        /// object `ucpolicy check` writes for such a file; CSV: a row with the result "Error";
        /// JUnit: a test case with &lt;error&gt;; Nagios: the state UNKNOWN...), and the batch's exit
        /// status becomes 3. Returns the text to write now.
        /// </summary>
        /// <param name="inputName">The file name (or host:port) given.</param>
        /// <param name="error">Why it could not be read (from <see cref="CertificateInput.FromFile"/>,
        /// <see cref="Checker.Check(string, string, Topology, System.Security.SecureString)"/>...).</param>
        /// <exception cref="InvalidOperationException">The batch is finished.</exception>
        public string AddError(string inputName, UcPolicyException error)
        {
            if (error == null)
                throw new ArgumentNullException(nameof(error));
            return AddError(inputName, error.Code, error.Message);
        }

        /// <summary>Adds an input that could not be read, by its status code and message (see
        /// <see cref="AddError(string, UcPolicyException)"/>).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not an error code.</exception>
        public string AddError(string inputName, UcPolicyErrorCode code, string? message)
        {
            if (inputName == null)
                throw new ArgumentNullException(nameof(inputName));
            if ((int)code >= 0)
                throw new ArgumentOutOfRangeException(nameof(code), code, "An input that could not be read needs an error code (UcPolicyErrorCode.None is success).");
            lock (gate)
            {
                CheckOpen();
                return Buffers.Take((ref UcpBuffer b) => Native.UcpRendererAddError(handle, inputName, (int)code, message ?? "", ref b));
            }
        }

        /// <summary>Ends the batch: returns the last text to write (the closing of the JSON array, the
        /// whole HTML page...). Afterwards only the counts, the summary and the exit code may be asked.</summary>
        /// <exception cref="InvalidOperationException">The batch is already finished.</exception>
        public string Finish()
        {
            lock (gate)
            {
                CheckOpen();
                finished = true;
                return Buffers.Take((ref UcpBuffer b) => Native.UcpRendererFinish(handle, ref b));
            }
        }

        /// <summary>Whether <see cref="Finish"/> was called.</summary>
        public bool IsFinished
        {
            get
            {
                lock (gate)
                    return finished;
            }
        }

        /// <summary>The number of reports added whose result is <paramref name="result"/>.</summary>
        public int Count(Result result)
        {
            lock (gate)
                return Native.UcpRendererCount(handle, (ucp_result)result);
        }

        /// <summary>The number of inputs added that could not be read.</summary>
        public int ErrorCount
        {
            get
            {
                lock (gate)
                    return Native.UcpRendererErrorCount(handle);
            }
        }

        /// <summary>The summary line for people, without a newline: "checked 300: 280 pass, 15
        /// warning, 5 fail", followed by ", 2 could not be read" when inputs could not be read.</summary>
        public string Summary
        {
            get
            {
                lock (gate)
                    return Buffers.Take((ref UcpBuffer b) => Native.UcpRendererSummary(handle, ref b));
            }
        }

        /// <summary>The exit status of the batch, as `ucpolicy check FILE...` exits: the worst
        /// <see cref="Report.GetExitCode(Severity?)"/> of its reports, and 3 when an input could not
        /// be read (whatever <paramref name="failOn"/>); 0 for an empty batch.</summary>
        /// <param name="failOn">The lowest severity that fails (null: never).</param>
        public int GetExitCode(Severity? failOn)
        {
            ucp_fail_on level = Util.FailOn(failOn, nameof(failOn));
            lock (gate)
                return Native.UcpRendererExitCode(handle, level);
        }

        /// <summary>The exit status with the command's default, <c>--fail-on warning</c>.</summary>
        public int GetExitCode() => GetExitCode(Severity.Warning);

        /// <summary>Frees the native renderer (finished or not). Any later call but Dispose throws
        /// <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>Whether the native renderer has been freed (diagnostics and tests).</summary>
        internal bool IsDisposed => handle.IsClosed;

        void CheckOpen()
        {
            if (finished)
                throw new InvalidOperationException("The batch is finished: start another ReportRenderer.");
        }
    }
}
