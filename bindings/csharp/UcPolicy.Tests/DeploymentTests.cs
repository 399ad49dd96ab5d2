// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>The certificate plan of tests/topology/adatum-lync2013.tbxml (Deployment.Plan).</summary>
    public class DeploymentTests
    {
        static string Adatum()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "tests", "topology", "adatum-lync2013.tbxml");
                if (File.Exists(path))
                    return path;
            }
            throw new FileNotFoundException("tests/topology/adatum-lync2013.tbxml above " + AppContext.BaseDirectory);
        }

        [Fact]
        public void PlansEveryCertificateNameByName()
        {
            var plan = Deployment.Plan(Adatum()).Certificates;
            Assert.Equal(16, plan.Count);
            PlannedCertificate first = plan[0];
            Assert.Equal("lfe01.adatum.com", first.Server);
            Assert.Equal("lyncpool.adatum.com", first.Pool);
            Assert.Equal(Product.Lync2013, first.Product);
            Assert.Equal("frontend-default", first.Role);
            Assert.Equal("lyncpool.adatum.com", first.SubjectName);
            Assert.Equal(new[] { "lyncpool.adatum.com", "lfe01.adatum.com" }, first.RequiredNames);
            Assert.Contains("sip.adatum.org", first.OptionalNames);
            Assert.Equal(new[] { "serverAuth" }, first.Eku);
            Assert.Equal(2048, first.MinRsaBits);
            Assert.False(first.PublicCa);
        }

        [Fact]
        public void PlansOneServer()
        {
            var edge = Deployment.Plan(Adatum(), "ledge01.dmz.adatum.com.").Certificates;
            Assert.Equal(new[] { "edge-internal", "edge-external", "edge-av-auth" }, edge.Select(c => c.Role));
            PlannedCertificate external = edge[1];
            Assert.Equal("access.adatum.com", external.SubjectName);
            Assert.True(external.PublicCa);
            Assert.True(external.PoolShared);
            Assert.Equal(new[] { "serverAuth", "clientAuth" }, external.Eku);
            Assert.Contains("Subject = \"CN=access.adatum.com\"", external.GetRequest(RequestFormat.CertReq));
            Assert.Contains("DNS.2 = webconf.adatum.com", external.GetRequest(RequestFormat.OpenSsl));
        }

        [Fact]
        public void RendersAsTheCommandDoes()
        {
            using JsonDocument doc = JsonDocument.Parse(Deployment.Render(Adatum(), OutputFormat.Json));
            JsonElement server = doc.RootElement.GetProperty("servers")[0];
            Assert.Equal("lfe01.adatum.com", server.GetProperty("fqdn").GetString());
            Assert.Equal("frontend-default", server.GetProperty("certificates")[0].GetProperty("role").GetString());
        }

        [Fact]
        public void UnknownServerIsAnError()
        {
            var e = Assert.Throws<UcPolicyException>(() => Deployment.Plan(Adatum(), "nope.adatum.com"));
            Assert.Contains("lfe01.adatum.com", e.Message);
        }
    }
}
