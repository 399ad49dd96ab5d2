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

        const string TopologyBuilderXml =
            "<TopologyBuilder xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"><NewTopology>" +
            "<PartialTopology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008\">" +
            "<InternalDomains xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\" DefaultDomain=\"contoso.com\"/>" +
            "<CentralSites><CentralSite><Clusters>" +
            "<Cluster UniqueId=\"1\" Fqdn=\"pool01.contoso.com\"><Machines><Machine Fqdn=\"fe01.contoso.com\"/><Machine Fqdn=\"fe02.contoso.com\"/></Machines></Cluster>" +
            "<Cluster UniqueId=\"2\" Fqdn=\"edge01.contoso.net\"><Machines><Machine Fqdn=\"edge01.contoso.net\"/></Machines></Cluster>" +
            "</Clusters></CentralSite></CentralSites><Services>" +
            "<Service RoleName=\"Registrar\" InstalledOn=\"1\" ServiceVersion=\"7\"/>" +
            "<Service RoleName=\"EdgeServer\" InstalledOn=\"2\" ServiceVersion=\"8\"><Ports xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\">" +
            "<Port Owner=\"urn:component:AccessEdge\" InterfaceSide=\"External\" Port=\"5061\" Protocol=\"Tls\" ConfiguredFqdn=\"sip.contoso.com\"/></Ports></Service>" +
            "</Services></PartialTopology></NewTopology></TopologyBuilder>";

        [Fact]
        public void TopologyBuilderServers()
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ucpolicy-" + System.Guid.NewGuid().ToString("N") + ".tbxml");
            System.IO.File.WriteAllText(path, TopologyBuilderXml);
            try
            {
                var servers = Topology.GetServers(path);
                Assert.Equal(3, servers.Count);
                Assert.Equal("fe01.contoso.com", servers[0].Fqdn);
                Assert.Equal("pool01.contoso.com", servers[0].PoolFqdn);

                Topology fe02 = Topology.Load(path, "FE02.contoso.com");
                Assert.Equal("fe02.contoso.com", fe02.Fqdn);
                Assert.Equal("pool01.contoso.com", fe02.PoolFqdn);
                Assert.Equal(Product.SfB2015, fe02.Product);
                Assert.Equal(new[] { "contoso.com" }, fe02.SipDomains);

                Topology edge = Topology.Load(path, "edge01.contoso.net");
                Assert.Equal("sip.contoso.com", edge.AccessEdgeFqdn);
                Assert.Equal(Product.SfB2019, edge.Product);

                var several = Assert.Throws<UcPolicyException>(() => Topology.Load(path));
                Assert.Equal(UcPolicyErrorCode.Topology, several.Code);
                Assert.Contains("fe01.contoso.com, fe02.contoso.com, edge01.contoso.net", several.Message);
                var unknown = Assert.Throws<UcPolicyException>(() => Topology.Load(path, "fe09.contoso.com"));
                Assert.Equal(UcPolicyErrorCode.NotFound, unknown.Code);
            }
            finally
            {
                System.IO.File.Delete(path);
            }
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
