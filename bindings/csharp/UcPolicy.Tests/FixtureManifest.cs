// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security;
using System.Text.Json;

namespace UcPolicy.Tests
{
    /// <summary>
    /// The test manifest of tests/FIXTURES.md (version 1), as ucpolicy-certgen writes it, and how
    /// the .NET face runs it: the same cases the C, CLI and Python tests run, held to the same answers.
    /// </summary>
    public sealed class FixtureManifest
    {
        public const string Variable = "UCPOLICY_FIXTURES";

        public string Directory { get; private set; } = "";
        public DateTimeOffset ValidationTime { get; private set; }
        public IReadOnlyList<Case> Cases { get; private set; } = Array.Empty<Case>();
        public IReadOnlyList<InputError> InputErrors { get; private set; } = Array.Empty<InputError>();

        public sealed class Expectation
        {
            public string? Result;
            public string? Format;
            public List<(string Code, string Severity)> Present = new List<(string, string)>();
            public Dictionary<string, string> RemediationContains = new Dictionary<string, string>();
            public List<string> Absent = new List<string>();
        }

        public sealed class Case
        {
            public string Id = "", Role = "", Rule = "", Kind = "", File = "";
            public string? Password;
            public List<string> Chain = new List<string>(), Trust = new List<string>(), PublicRoots = new List<string>();
            public string? TopologyJson;
            // Optional fields (FIXTURES.md, backward compatible): CRL files, online revocation
            // with a time budget per check, and the other files of a pool check.
            public List<string> Crls = new List<string>();
            public bool Online;
            public int? TimeoutMs;
            public List<string>? Pool;
            public Expectation Expect = new Expectation();
            public override string ToString() => Id;
        }

        public sealed class InputError
        {
            public string Id = "", File = "", Status = "";
            public string? Password;
            public override string ToString() => Id;
        }

        /// <summary>The directory of UCPOLICY_FIXTURES, or null when the variable is not set.</summary>
        public static string? ConfiguredDirectory()
        {
            string? dir = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrEmpty(dir) ? null : dir;
        }

        public static FixtureManifest Load(string directory)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
            JsonElement root = doc.RootElement;
            int version = root.GetProperty("version").GetInt32();
            if (version != 1)
                throw new InvalidDataException("manifest.json version " + version + "; this runner reads version 1");
            var manifest = new FixtureManifest
            {
                Directory = directory,
                ValidationTime = DateTimeOffset.Parse(root.GetProperty("validationTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            };
            manifest.Cases = root.GetProperty("cases").EnumerateArray().Select(c => new Case
            {
                Id = c.GetProperty("id").GetString()!,
                Role = c.GetProperty("role").GetString()!,
                Rule = c.TryGetProperty("rule", out JsonElement rule) ? rule.GetString() ?? "" : "",
                Kind = c.TryGetProperty("kind", out JsonElement kind) ? kind.GetString() ?? "" : "",
                File = c.GetProperty("file").GetString()!,
                Password = OptionalString(c, "password"),
                Chain = Strings(c, "chain"),
                Trust = Strings(c, "trust"),
                PublicRoots = Strings(c, "publicRoots"),
                TopologyJson = c.TryGetProperty("topology", out JsonElement t) && t.ValueKind == JsonValueKind.Object ? t.GetRawText() : null,
                Crls = Strings(c, "crls"),
                Online = c.TryGetProperty("online", out JsonElement online) && online.ValueKind == JsonValueKind.True,
                TimeoutMs = c.TryGetProperty("timeoutMs", out JsonElement timeout) && timeout.ValueKind == JsonValueKind.Number ? timeout.GetInt32() : (int?)null,
                Pool = c.TryGetProperty("pool", out JsonElement pool) && pool.ValueKind == JsonValueKind.Array ? Strings(c, "pool") : null,
                Expect = ReadExpectation(c.GetProperty("expect")),
            }).ToList();
            manifest.InputErrors = root.TryGetProperty("inputErrors", out JsonElement errors)
                ? errors.EnumerateArray().Select(e => new InputError
                {
                    Id = e.GetProperty("id").GetString()!,
                    File = e.GetProperty("file").GetString()!,
                    Password = OptionalString(e, "password"),
                    Status = e.GetProperty("status").GetString()!,
                }).ToList()
                : new List<InputError>();
            return manifest;
        }

        // The top-level "exemptions" list is for other faces; this runner ignores it.
        static Expectation ReadExpectation(JsonElement e) => new Expectation
        {
            Result = OptionalString(e, "result"),
            Format = OptionalString(e, "format"),
            RemediationContains = e.TryGetProperty("present", out JsonElement withText)
                ? withText.EnumerateArray().Where(p => p.TryGetProperty("remediationContains", out JsonElement r) && r.ValueKind == JsonValueKind.String)
                          .ToDictionary(p => p.GetProperty("code").GetString()!, p => p.GetProperty("remediationContains").GetString()!)
                : new Dictionary<string, string>(),
            Present = e.TryGetProperty("present", out JsonElement present)
                ? present.EnumerateArray().Select(p => (p.GetProperty("code").GetString()!, p.GetProperty("severity").GetString()!)).ToList()
                : new List<(string, string)>(),
            Absent = Strings(e, "absent"),
        };

        static string? OptionalString(JsonElement e, string name) =>
            e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        static List<string> Strings(JsonElement e, string name) =>
            e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Array
                ? v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetProperty("code").GetString()!).ToList()
                : new List<string>();

        string Full(string relative) => Path.Combine(Directory, relative);

        /// <summary>Runs a case as FIXTURES.md says; returns what disagrees with the expectation (none: pass).</summary>
        public List<string> Run(Case c)
        {
            var problems = new List<string>();
            using var checker = new Checker { ValidationTime = ValidationTime };
            foreach (string file in c.Trust)
                checker.AddTrustAnchors(Full(file));
            foreach (string file in c.Chain)
                checker.AddIntermediates(Full(file));
            foreach (string file in c.PublicRoots)
                checker.AddPublicRoots(Full(file));
            foreach (string file in c.Crls)
                checker.AddCrls(Full(file));
            if (c.Online)
            {
                TestOnline.Enable(checker); // the case's URLs are on 127.0.0.1
                if (c.TimeoutMs.HasValue)
                    checker.NetworkTimeout = TimeSpan.FromMilliseconds(c.TimeoutMs.Value);
            }
            Topology? topology = c.TopologyJson != null ? Topology.FromJson(c.TopologyJson, c.Id) : null;
            using SecureString? password = Secure(c.Password);
            Report report = c.Pool != null
                ? checker.CheckPool(new[] { Full(c.File) }.Concat(c.Pool.Select(Full)), c.Role, topology, password)
                : checker.Check(Full(c.File), c.Role, topology, password);

            string actual = report.Result.ToString().ToLowerInvariant();
            if (c.Expect.Result != null && c.Expect.Result != actual)
                problems.Add("result " + actual + ", expected " + c.Expect.Result);
            foreach ((string code, string severity) in c.Expect.Present)
            {
                if (!report.Findings.Any(f => f.Code == code && f.Severity.ToString().Equals(severity, StringComparison.OrdinalIgnoreCase)))
                    problems.Add("no " + severity + " finding " + code);
            }
            foreach (KeyValuePair<string, string> text in c.Expect.RemediationContains)
            {
                if (!report.Findings.Any(f => f.Code == text.Key && f.Remediation.Contains(text.Value, StringComparison.Ordinal)))
                    problems.Add("no " + text.Key + " finding whose remediation contains \"" + text.Value + "\"");
            }
            if (c.Expect.Format != null && !c.Expect.Format.Equals(report.InputFormat.ToString(), StringComparison.OrdinalIgnoreCase))
                problems.Add("format " + report.InputFormat + ", expected " + c.Expect.Format);
            foreach (string code in c.Expect.Absent)
            {
                if (report.HasFinding(code))
                    problems.Add("unexpected finding " + code);
            }
            if (problems.Count > 0)
                problems.Add("findings: " + string.Join(", ", report.Findings.Select(f => f.Severity.ToString().ToLowerInvariant() + " " + f.Code)));
            return problems;
        }

        /// <summary>Reads an input error file; returns what disagrees (none: refused as expected).</summary>
        public List<string> Run(InputError e)
        {
            var problems = new List<string>();
            string path = Full(e.File);
            using SecureString? password = Secure(e.Password);
            try
            {
                using CertificateInput input = CertificateInput.FromFile(path, password);
                problems.Add("read without error (" + input.Certificates.Count + " certificate(s)), expected " + e.Status);
            }
            catch (UcPolicyException x)
            {
                if (x.Name != e.Status)
                    problems.Add("status " + x.Name + ", expected " + e.Status + ": " + x.Message);
                if (!x.Message.Contains(path, StringComparison.Ordinal))
                    problems.Add("the message does not name the file: " + x.Message);
            }
            return problems;
        }

        static SecureString? Secure(string? text)
        {
            if (text == null)
                return null;
            var s = new SecureString();
            foreach (char ch in text)
                s.AppendChar(ch);
            return s;
        }
    }
}
