// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using Xunit;

namespace UcPolicy.Tests
{
    public class CatalogueTests
    {
        [Theory]
        [InlineData("exchange-um", "exchange-um")]
        [InlineData("UM", "exchange-um")]
        [InlineData("um", "exchange-um")]
        [InlineData("Default", "frontend-default")]
        [InlineData("WebServicesExternal", "frontend-web-external")]
        [InlineData("TeamsDirectRoutingSbc", "teams-direct-routing-sbc")]
        [InlineData("OOS", "office-online-server")]
        public void RolesAreFoundByIdOrAlias(string name, string id)
        {
            Role? role = Catalogue.FindRole(name);
            Assert.NotNull(role);
            Assert.Equal(id, role!.Id);
            Assert.True(role.IsNamed(name));
            Assert.Same(role, Catalogue.Roles.Single(r => r.Id == id));
        }

        [Fact]
        public void UnknownNamesAreNull()
        {
            Assert.Null(Catalogue.FindRole("no-such-role"));
            Assert.Null(Catalogue.FindRule("no.such-rule"));
            Assert.Null(Catalogue.FindReference("NO-SUCH-KEY"));
        }

        [Fact]
        public void ExchangeUmBindsTheWildcardRuleAsAnError()
        {
            Role um = Catalogue.FindRole("UM")!;
            Assert.Contains("UMCallRouter", Catalogue.FindRole("exchange-um-callrouter")!.Aliases);
            Assert.Equal(new[] { Fact.Fqdn }, um.RequiredFacts);
            RoleRule wildcard = um.GetRules(Product.SfB2019).Single(r => r.Code == "subject.cn-wildcard");
            Assert.Equal(Severity.Error, wildcard.Severity);
            Assert.False(wildcard.IsBaseline);
            Assert.Equal(Field.Subject, wildcard.Field);
            Assert.Contains(wildcard.References, r => r.Key == "L13-WILD");
            Assert.Equal("exchange-um", wildcard.Role);
            Assert.Contains(um.GetRules(), r => r.IsBaseline);
        }

        [Fact]
        public void RulesHaveStableCodesAndText()
        {
            Assert.True(Catalogue.Rules.Count > 50);
            Assert.Equal(Catalogue.Rules.Count, Catalogue.Rules.Select(r => r.Code).Distinct().Count());
            Rule rule = Catalogue.FindRule("subject.cn-wildcard")!;
            Assert.Equal("Wildcard in the subject common name", rule.Title);
            Assert.Equal(Field.Subject, rule.Field);
            Assert.All(Catalogue.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Title)));
            Assert.All(Catalogue.Roles, r => Assert.False(string.IsNullOrWhiteSpace(r.Title)));
            Assert.Equal("tls-server", Catalogue.Roles[0].Id);
            Reference wild = Catalogue.FindReference("L13-WILD")!;
            Assert.StartsWith("https://", wild.Url);
        }

        [Fact]
        public void PublicEnumsMatchTheHeaders()
        {
            // Each public enumeration mirrors one SWIG generated from the C headers, value for value.
            AssertSame(typeof(Severity), typeof(Interop.ucp_severity));
            AssertSame(typeof(Result), typeof(Interop.ucp_result));
            AssertSame(typeof(Field), typeof(Interop.ucp_field));
            AssertSame(typeof(Product), typeof(Interop.ucp_product));
            AssertSame(typeof(Fact), typeof(Interop.ucp_fact));
            AssertSame(typeof(CertificateFormat), typeof(Interop.ucp_format));
            AssertSame(typeof(SanType), typeof(Interop.ucp_san_type));
            AssertSame(typeof(ChainStatus), typeof(Interop.ucp_chain_status));
            AssertSame(typeof(SystemTrust), typeof(Interop.ucp_system_trust));
            AssertSame(typeof(RevocationStatus), typeof(Interop.ucp_revocation));
            AssertSame(typeof(ErrorOrigin), typeof(Interop.ucp_error_origin));
            AssertSame(typeof(UcPolicyErrorCode), typeof(Interop.ucp_status));
            AssertSame(typeof(OutputFormat), typeof(Interop.ucp_output_format));
            foreach (OutputFormat format in Enum.GetValues(typeof(OutputFormat)))
                Assert.Equal(format.ToString().ToLowerInvariant(), Interop.Native.UcpOutputFormatName((Interop.ucp_output_format)format));
            Assert.Equal((int)Interop.ucp_render_flags.UCP_RENDER_PRETTY, (int)RenderOptions.Pretty);
            Assert.Equal((int)Interop.ucp_render_flags.UCP_RENDER_COLOR, (int)RenderOptions.Color);
            Assert.Equal((int)Interop.ucp_render_flags.UCP_RENDER_VERBOSE, (int)RenderOptions.Verbose);
            Assert.Equal((int)Interop.Native.UCP_RENDER_FLAT, (int)RenderOptions.Flat);
            Assert.Equal(Interop.Native.UCP_FACT_COUNT, Enum.GetValues(typeof(Fact)).Length);
            // Names too, where they are one-to-one: the C name of each value.
            foreach (Product p in Enum.GetValues(typeof(Product)))
                Assert.Equal(p.ToString().ToLowerInvariant(), Interop.Native.UcpProductName((Interop.ucp_product)p));
        }

        [Fact]
        public void PublicEnumsAreLongBasedSoPowerShellWritesTheirNames()
        {
            // ConvertTo-Json (Windows PowerShell 5.1, PowerShell 7 by default) writes an int-based
            // enumeration as a number and a long-based one by name: every public one is long-based.
            var enums = typeof(Checker).Assembly.GetExportedTypes().Where(t => t.IsEnum).ToArray();
            Assert.True(enums.Length >= 20, "public enumerations found: " + enums.Length);
            foreach (Type t in enums)
                Assert.True(Enum.GetUnderlyingType(t) == typeof(long), t.FullName + " is based on " + Enum.GetUnderlyingType(t).Name);
        }

        static void AssertSame(Type managed, Type generated)
        {
            var publicValues = Enum.GetValues(managed).Cast<object>().Select(Convert.ToInt32).OrderBy(v => v).ToArray();
            var nativeValues = Enum.GetValues(generated).Cast<object>().Select(Convert.ToInt32).OrderBy(v => v).ToArray();
            Assert.Equal(nativeValues, publicValues);
        }

        [Fact]
        public void Versions()
        {
            Assert.Equal(Library.BindingVersion, Library.Version);
            // The assembly (and so the NuGet package) carries the build's version, not a default.
            var assembly = typeof(Library).Assembly;
            string? informational = assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Select(a => a.InformationalVersion).SingleOrDefault();
            Assert.Equal(Library.Version, informational?.Split('+')[0]);
            Assert.Equal(Library.Version + ".0", assembly.GetName().Version?.ToString());
            Assert.Matches(@"^\d+\.\d+\.\d+", Library.GnuTlsVersion);
            Assert.Equal("1.0", Library.ReportSchemaVersion);
        }
    }
}
