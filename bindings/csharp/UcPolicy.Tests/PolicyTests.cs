// SPDX-License-Identifier: MIT
using System;
using System.Linq;
using UcPolicy.TestPki;
using Xunit;

namespace UcPolicy.Tests
{
    /// <summary>Certificate policy processing (RFC 5280 6.1) through the Checker's policy
    /// properties. The test PKI asserts no policy: the defaults accept its paths with an empty
    /// valid policy set, a policy asked for or an explicit policy required fails them.</summary>
    [Collection(PkiCollection.Name)]
    public class PolicyTests
    {
        readonly PkiFixture f;

        public PolicyTests(PkiFixture fixture) => f = fixture;

        static bool PolicyInvalid(Report r) => r.Findings.Any(x => x.Code == "chain.policy-invalid");

        [Fact]
        public void DefaultsAcceptAPathWithoutPolicies()
        {
            using Checker checker = f.NewChecker();
            Assert.Empty(checker.InitialPolicies);
            Assert.False(checker.RequireExplicitPolicy || checker.InhibitPolicyMapping || checker.InhibitAnyPolicy);
            Report report = checker.Check(f.CorrectUmPath, "UM", f.UmTopology);
            Assert.False(PolicyInvalid(report));
            Assert.Empty(report.Policies);
        }

        [Fact]
        public void APolicyAskedForOrRequiredFailsAPathWithoutPolicies()
        {
            using Checker asked = f.NewChecker();
            asked.InitialPolicies = new[] { "2.23.140.1.2.1" };
            Assert.Equal(new[] { "2.23.140.1.2.1" }, asked.InitialPolicies);
            Assert.True(PolicyInvalid(asked.Check(f.CorrectUmPath, "UM", f.UmTopology)));

            using Checker required = f.NewChecker();
            required.RequireExplicitPolicy = true;
            required.InhibitPolicyMapping = true;
            required.InhibitAnyPolicy = true;
            Report report = required.Check(f.CorrectUmPath, "UM", f.UmTopology);
            Assert.True(PolicyInvalid(report));
            Assert.Empty(report.Policies);
        }

        [Fact]
        public void NotAnOidIsRefused()
        {
            using Checker checker = f.NewChecker();
            Assert.Throws<UcPolicyException>(() => checker.InitialPolicies = new[] { "not an oid" });
            Assert.Empty(checker.InitialPolicies);
        }
    }
}
