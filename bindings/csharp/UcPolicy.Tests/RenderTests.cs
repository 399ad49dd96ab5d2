// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Xml;
using UcPolicy.Interop;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Every output format through the library's renderers (ucpolicy/render.h): one report,
    /// a batch, the exit codes, and the same bytes as the ucpolicy command.</summary>
    [Collection(PkiCollection.Name)]
    public class RenderTests
    {
        readonly PkiFixture f;

        public RenderTests(PkiFixture fixture) => f = fixture;

        Report[] BadAndGood()
        {
            using Checker checker = f.NewChecker();
            return new[] { checker.Check(f.WildcardUmPath, "UM", f.UmTopology), checker.Check(f.CorrectUmPath, "UM", f.UmTopology) };
        }

        [Fact]
        public void EveryFormatRendersAndParses()
        {
            Report[] reports = BadAndGood();
            Assert.Equal(7, Enum.GetValues(typeof(OutputFormat)).Length);

            using (JsonDocument json = JsonDocument.Parse(ReportFormatter.Format(reports, OutputFormat.Json)))
            {
                Assert.Equal(2, json.RootElement.GetArrayLength());
                Assert.Equal("fail", json.RootElement[0].GetProperty("result").GetString());
                Assert.Equal("pass", json.RootElement[1].GetProperty("result").GetString());
            }

            using (JsonDocument sarif = JsonDocument.Parse(ReportFormatter.Format(reports, OutputFormat.Sarif)))
            {
                Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
                JsonElement run = sarif.RootElement.GetProperty("runs")[0];
                string[] rules = run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()!).ToArray();
                Assert.Contains("subject.cn-wildcard", rules);
                Assert.Equal(reports[0].Findings.Count, rules.Length); // one result per finding; the good report has none
            }

            string csv = ReportFormatter.Format(reports, OutputFormat.Csv);
            string[] lines = csv.Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(string.Join(",", ReportFormatter.CsvColumns.Select(c => "\"" + c + "\"")), lines[0]);
            Assert.Equal(1 + reports[0].Findings.Count + 1, lines.Length);
            Assert.Contains("\"subject.cn-wildcard\"", lines[1]);

            string html = ReportFormatter.Format(reports, OutputFormat.Html);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("subject.cn-wildcard", html);
            Assert.EndsWith("</html>\n", html);

            var junit = new XmlDocument();
            junit.LoadXml(ReportFormatter.Format(reports, OutputFormat.JUnit));
            XmlNodeList cases = junit.SelectNodes("//testcase")!;
            Assert.Equal(2, cases.Count);
            Assert.NotNull(cases[0]!.SelectSingleNode("failure"));
            Assert.Null(cases[1]!.SelectSingleNode("failure"));

            string nagios = ReportFormatter.Format(reports, OutputFormat.Nagios);
            Assert.StartsWith("UCPOLICY CRITICAL - checked 2: 1 pass, 0 warning, 1 fail", nagios);
            Assert.Contains("|", nagios.Split('\n')[0]); // performance data

            string text = ReportFormatter.Format(reports, OutputFormat.Text);
            Assert.Contains(reports[0].ToText(), text);
            Assert.Contains(reports[1].ToText(), text);
        }

        [Fact]
        public void OneReportRendersAsTheLibraryDoes()
        {
            Report bad = BadAndGood()[0];
            Assert.Equal(bad.ToJson(), bad.Render(OutputFormat.Json));
            Assert.Equal(bad.ToJson(indented: false), bad.Render(OutputFormat.Json, RenderOptions.None));
            Assert.Equal(bad.ToText(), bad.Render(OutputFormat.Text, RenderOptions.None));
            Assert.Equal(bad.ToText(verbose: true), bad.Render(OutputFormat.Text, RenderOptions.Verbose));
            Assert.Contains("\u001b[", bad.Render(OutputFormat.Text, RenderOptions.Color));
            using (JsonDocument sarif = JsonDocument.Parse(bad.Render(OutputFormat.Sarif)))
                Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
            // The document formats of one report are those of a batch of it.
            foreach (OutputFormat format in new[] { OutputFormat.Sarif, OutputFormat.Csv, OutputFormat.Html, OutputFormat.JUnit, OutputFormat.Nagios })
            {
                string batch = ReportFormatter.Format(new[] { bad }, format);
                Assert.Equal(batch.TrimEnd('\n'), bad.Render(format).TrimEnd('\n'));
            }
            var e = Assert.Throws<UcPolicyException>(() => bad.Render((OutputFormat)42));
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, e.Code);
        }

        [Fact]
        public void TheOldFormatterApiRendersThroughTheLibrary()
        {
            Report[] reports = BadAndGood();
            Assert.Equal(ReportFormatter.Format(reports, OutputFormat.Json), ReportFormatter.ToJson(reports));
            Assert.Equal(ReportFormatter.Format(reports, OutputFormat.Json), ReportFormatter.Format(reports, ReportFormat.Json));
            Assert.Equal(ReportFormatter.Format(reports, OutputFormat.Csv), ReportFormatter.ToCsv(reports));
            Assert.Equal(ReportFormatter.Format(reports, OutputFormat.Csv), ReportFormatter.Format(reports, ReportFormat.Csv));
            Assert.Equal(ReportFormatter.Format(reports, OutputFormat.Html), ReportFormatter.ToHtml(reports));
            Assert.Equal(ReportFormatter.Format(reports, OutputFormat.Html), ReportFormatter.Format(reports, ReportFormat.Html));
            // Null entries are skipped, as in 1.0.
            Assert.Equal(ReportFormatter.ToCsv(reports), ReportFormatter.ToCsv(new[] { reports[0], null!, reports[1] }));
            Assert.Equal("[]\n", ReportFormatter.ToJson(Array.Empty<Report>()));
            // A title of the caller's, escaped; the rest is the library's page.
            string html = ReportFormatter.ToHtml(reports, "Certificates of <exch01> & co");
            Assert.Contains("<title>Certificates of &lt;exch01&gt; &amp; co</title>", html);
            Assert.Contains("<h1>Certificates of &lt;exch01&gt; &amp; co</h1>", html);
            Assert.DoesNotContain("UC certificate policy report", html);
            Assert.Equal(ReportFormatter.ToHtml(reports).Length - 2 * "UC certificate policy report".Length +
                         2 * "Certificates of &lt;exch01&gt; &amp; co".Length, html.Length);
        }

        /// <summary>The JSON list (and every other document) is what `ucpolicy check --format F a b`
        /// prints for the same files, byte for byte.</summary>
        [Fact]
        public void DocumentsAreTheCommandsByteForByte()
        {
            string cli = Environment.GetEnvironmentVariable("UCPOLICY_CLI")
                ?? throw new Xunit.Sdk.XunitException("UCPOLICY_CLI must name the built ucpolicy command (meson sets it)");
            Report[] reports = BadAndGood();
            foreach (OutputFormat format in Enum.GetValues(typeof(OutputFormat)))
            {
                foreach (Severity? failOn in new Severity?[] { Severity.Warning, Severity.Error })
                {
                    string name = format.ToString().ToLowerInvariant();
                    string level = failOn == Severity.Error ? "error" : "warning";
                    var (status, stdout) = Run(cli, "check", "--role", "UM", "--fqdn", PkiFixture.UmFqdn, "--trust", f.Pki.RootPath,
                                               "--at", f.Pki.Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                                               "--format", name, "--fail-on", level, "--color", "never", "--no-progress",
                                               f.WildcardUmPath, f.CorrectUmPath);
                    Assert.Equal(2, status);
                    string rendered = ReportFormatter.Format(reports, format, RenderOptions.Pretty | RenderOptions.Flat, failOn);
                    Assert.Equal(stdout, rendered);
                    Assert.Equal(status, ReportFormatter.GetExitCode(reports, failOn));
                }
            }
        }

        static (int, string) Run(string program, params string[] args)
        {
            var start = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
            };
            foreach (string a in args)
                start.ArgumentList.Add(a);
            start.Environment["NO_COLOR"] = "1";
            using Process process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;
            return (process.ExitCode, stdout);
        }

        [Fact]
        public void ExitCodesForEveryFailOnLevel()
        {
            using Checker checker = f.NewChecker();
            Report bad = checker.Check(f.WildcardUmPath, "UM", f.UmTopology);
            Report good = checker.Check(f.CorrectUmPath, "UM", f.UmTopology);
            // No fact: the role's name rules cannot run, an input.facts-missing warning.
            Report warning = checker.Check(f.CorrectUmPath, "UM");
            Assert.Equal(Result.Warning, warning.Result);

            Assert.Equal(2, bad.GetExitCode());
            Assert.Equal(2, bad.GetExitCode(Severity.Warning));
            Assert.Equal(2, bad.GetExitCode(Severity.Error));
            Assert.Equal(2, bad.GetExitCode(Severity.Info));
            Assert.Equal(0, bad.GetExitCode(null));

            Assert.Equal(1, warning.GetExitCode());
            Assert.Equal(1, warning.GetExitCode(Severity.Warning));
            Assert.Equal(0, warning.GetExitCode(Severity.Error));
            Assert.Equal(1, warning.GetExitCode(Severity.Info));
            Assert.Equal(0, warning.GetExitCode(null));

            Assert.Equal(0, good.GetExitCode());
            Assert.Equal(0, good.GetExitCode(Severity.Error));
            Assert.Equal(good.InfoCount > 0 ? 1 : 0, good.GetExitCode(Severity.Info));
            Assert.Equal(0, good.GetExitCode(null));
            Assert.Throws<ArgumentOutOfRangeException>(() => good.GetExitCode((Severity)7));

            // A batch: the worst of its reports.
            Report[] all = { good, warning, bad };
            Assert.Equal(2, ReportFormatter.GetExitCode(all));
            Assert.Equal(2, ReportFormatter.GetExitCode(all, Severity.Error));
            Assert.Equal(0, ReportFormatter.GetExitCode(all, null));
            Assert.Equal(1, ReportFormatter.GetExitCode(new[] { good, warning }));
            Assert.Equal(0, ReportFormatter.GetExitCode(new[] { good, warning }, Severity.Error));
            Assert.Equal(0, ReportFormatter.GetExitCode(Array.Empty<Report>()));
            Assert.Equal("checked 3: 1 pass, 1 warning, 1 fail", ReportFormatter.GetSummary(all));
        }

        [Fact]
        public void AStreamedBatchIsTheDocumentAndCountsItsInputs()
        {
            Report[] reports = BadAndGood();
            using (var renderer = new ReportRenderer(OutputFormat.Json))
            {
                var text = new StringBuilder();
                foreach (Report report in reports)
                    text.Append(renderer.Add(report));
                var error = new UcPolicyException(UcPolicyErrorCode.Format, "UCP_E_FORMAT", "garbage.cer: not a certificate", null);
                text.Append(renderer.AddError("garbage.cer", error));
                text.Append(renderer.Finish());
                Assert.True(renderer.IsFinished);
                using (JsonDocument json = JsonDocument.Parse(text.ToString()))
                {
                    Assert.Equal(3, json.RootElement.GetArrayLength());
                    JsonElement entry = json.RootElement[2];
                    Assert.Equal("error", entry.GetProperty("result").GetString());
                    Assert.Equal("UCP_E_FORMAT", entry.GetProperty("error").GetProperty("code").GetString());
                    Assert.Equal("garbage.cer", entry.GetProperty("input").GetProperty("name").GetString());
                }
                Assert.Equal(1, renderer.Count(Result.Fail));
                Assert.Equal(1, renderer.Count(Result.Pass));
                Assert.Equal(0, renderer.Count(Result.Warning));
                Assert.Equal(1, renderer.ErrorCount);
                Assert.Equal("checked 3: 1 pass, 0 warning, 1 fail, 1 could not be read", renderer.Summary);
                Assert.Equal(3, renderer.GetExitCode());
                Assert.Equal(3, renderer.GetExitCode(null)); // an unreadable input fails whatever the level
                Assert.Throws<InvalidOperationException>(() => renderer.Add(reports[0]));
                Assert.Throws<InvalidOperationException>(() => renderer.Finish());
            }

            using (var csv = new ReportRenderer(OutputFormat.Csv))
                Assert.Throws<ArgumentOutOfRangeException>(() => csv.AddError("x", UcPolicyErrorCode.None, "ok"));
            var bad = Assert.Throws<UcPolicyException>(() => new ReportRenderer((OutputFormat)99));
            Assert.Equal(UcPolicyErrorCode.InvalidArgument, bad.Code);
        }

        [Fact]
        public void TheFailOnLevelJudgesJUnitAndNagios()
        {
            using Checker checker = f.NewChecker();
            Report warning = checker.Check(f.CorrectUmPath, "UM"); // input.facts-missing
            Assert.StartsWith("UCPOLICY WARNING", ReportFormatter.Format(new[] { warning }, OutputFormat.Nagios, RenderOptions.None, Severity.Warning));
            Assert.StartsWith("UCPOLICY OK", ReportFormatter.Format(new[] { warning }, OutputFormat.Nagios, RenderOptions.None, Severity.Error));
            var failing = new XmlDocument();
            failing.LoadXml(ReportFormatter.Format(new[] { warning }, OutputFormat.JUnit, RenderOptions.None, Severity.Warning));
            Assert.NotNull(failing.SelectSingleNode("//testcase/failure"));
            var passing = new XmlDocument();
            passing.LoadXml(ReportFormatter.Format(new[] { warning }, OutputFormat.JUnit, RenderOptions.None, null));
            Assert.Null(passing.SelectSingleNode("//testcase/failure"));
        }
    }

    /// <summary>Renderers are freed exactly once, by Dispose or by the formatter itself.</summary>
    [Collection(SerialCollection.Name)]
    public class RendererLifetimeTests
    {
        readonly PkiFixture f;

        public RendererLifetimeTests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void RenderersAreDisposed()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.WildcardUmPath, "UM", f.UmTopology);

            long before = RendererHandle.Released;
            var renderer = new ReportRenderer(OutputFormat.Csv);
            renderer.Add(report);
            Assert.False(renderer.IsDisposed);
            renderer.Dispose();
            Assert.True(renderer.IsDisposed);
            Assert.Equal(before + 1, RendererHandle.Released);
            renderer.Dispose(); // twice is harmless
            Assert.Equal(before + 1, RendererHandle.Released);
            Assert.Throws<ObjectDisposedException>(() => renderer.Add(report));
            Assert.Throws<ObjectDisposedException>(() => renderer.Summary);

            // The formatter's own renderers, also when a format fails.
            before = RendererHandle.Released;
            foreach (OutputFormat format in Enum.GetValues(typeof(OutputFormat)))
                ReportFormatter.Format(new[] { report }, format);
            ReportFormatter.GetExitCode(new[] { report });
            ReportFormatter.GetSummary(new[] { report });
            Assert.Equal(before + 9, RendererHandle.Released);
            Assert.Throws<ArgumentOutOfRangeException>(() => ReportFormatter.Format(new[] { report }, OutputFormat.Csv, RenderOptions.None, (Severity)9));
            Assert.Equal(before + 9, RendererHandle.Released); // refused before any renderer was made
        }
    }
}
