// SPDX-License-Identifier: MIT
using System.Linq;
using System.Text.Json;
using Xunit;

namespace UcPolicy.Tests
{
    [Collection(PkiCollection.Name)]
    public class TopologyAndFormatTests
    {
        readonly PkiFixture f;

        public TopologyAndFormatTests(PkiFixture fixture) => f = fixture;

        [Fact]
        public void TopologyIsNormalisedByTheLibrary()
        {
            var t = new Topology { Fqdn = "EXCH01.Contoso.COM.", Product = Product.Lync2013 };
            t.SimpleUrls.Add("https://meet.contoso.com/abc");
            t.SipDomains.Add("contoso.com");
            t.SipDomains.Add("Fabrikam.com");
            Topology n = t.Normalize();
            Assert.Equal("exch01.contoso.com", n.Fqdn);
            Assert.Equal(new[] { "meet.contoso.com" }, n.SimpleUrls);
            Assert.Equal(new[] { "contoso.com", "fabrikam.com" }, n.SipDomains);
            Assert.Equal(Product.Lync2013, n.Product);
            Assert.False(n.IsEmpty);
            Assert.True(new Topology().IsEmpty);
        }

        [Fact]
        public void TopologyJsonRoundTrip()
        {
            Topology t = Topology.FromJson("{\"product\": \"sfb2015\", \"fqdn\": \"fe01.contoso.com\", \"pool\": \"pool01.contoso.com\", \"sipDomains\": [\"contoso.com\"]}", "topology.json");
            Assert.Equal(Product.SfB2015, t.Product);
            Assert.Equal("fe01.contoso.com", t.Fqdn);
            Assert.Equal("pool01.contoso.com", t.PoolFqdn);
            Topology again = Topology.FromJson(t.ToJson());
            Assert.Equal(t.ToJson(), again.ToJson());

            var e = Assert.Throws<UcPolicyException>(() => Topology.FromJson("{\"fqnd\": \"typo.contoso.com\"}", "typo.json"));
            Assert.Equal(UcPolicyErrorCode.Topology, e.Code);
            Assert.Contains("fqnd", e.Message);
        }

        [Fact]
        public void ReportJsonIsTheLibrarySchema()
        {
            using Checker checker = f.NewChecker();
            Report report = checker.Check(f.WildcardUmPath, "UM", f.UmTopology);
            using JsonDocument doc = JsonDocument.Parse(report.ToJson());
            Assert.Equal("ucpolicy-report", doc.RootElement.GetProperty("schema").GetString());
            Assert.Equal("fail", doc.RootElement.GetProperty("result").GetString());
            Assert.DoesNotContain('\n', report.ToJson(indented: false).TrimEnd());
            Assert.Contains("subject.cn-wildcard", report.ToText());
            Assert.Contains("configured server", report.ToText(verbose: true));
        }

        [Fact]
        public void SeveralReportsAsJsonCsvAndHtml()
        {
            using Checker checker = f.NewChecker();
            Report bad = checker.Check(f.WildcardUmPath, "UM", f.UmTopology);
            Report good = checker.Check(f.CorrectUmPath, "UM", f.UmTopology);
            Report[] reports = { bad, good };

            using (JsonDocument doc = JsonDocument.Parse(ReportFormatter.ToJson(reports)))
            {
                Assert.Equal(2, doc.RootElement.GetArrayLength());
                Assert.Equal("fail", doc.RootElement[0].GetProperty("result").GetString());
                Assert.Equal("pass", doc.RootElement[1].GetProperty("result").GetString());
            }
            Assert.Equal("[]\n", ReportFormatter.ToJson(new Report[0]));

            string csv = ReportFormatter.ToCsv(reports);
            string[] lines = csv.Split("\r\n", System.StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(string.Join(",", ReportFormatter.CsvColumns.Select(c => "\"" + c + "\"")), lines[0]);
            Assert.Equal(1 + bad.Findings.Count + 1, lines.Length); // header, one row per finding, one for the clean report
            Assert.Contains("\"subject.cn-wildcard\"", lines[1]);
            Assert.Contains("\"Fail\"", lines[1]);
            Assert.Contains("\"Pass\"", lines[^1]);

            string html = ReportFormatter.ToHtml(reports, generated: f.Pki.Now);
            Assert.StartsWith("<!DOCTYPE html>", html);
            Assert.Contains("subject.cn-wildcard", html);
            Assert.Contains("&quot;The peer is not a configured server on this network interface&quot;", html);
        }

        [Fact]
        public void ExportsDefuseCertificateText()
        {
            using Checker checker = f.NewChecker();
            checker.AddIntermediates(f.Pki.Issuing);
            Report report = checker.Check(f.WildcardUm.RawData, "UM", f.UmTopology, name: "=HYPERLINK(\"http://x\")<script>");
            string csv = ReportFormatter.ToCsv(new[] { report });
            Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")<script>\"", csv);
            string html = ReportFormatter.ToHtml(new[] { report });
            Assert.DoesNotContain("<script>", html);
            Assert.Contains("&lt;script&gt;", html);
        }
    }
}
