// SPDX-License-Identifier: MIT
// Run by .ci/test-windows under Wine: the win-x64 facade loads ucpolicy_csharp.dll and
// libucpolicy-1.dll from beside the program and checks the bundled example certificates, the
// wildcard-CN Exchange UM incident among them. TAP on stdout; exit 0 when every point holds.
//
//   WineCheck.exe EXAMPLES-DIR
using System;
using System.IO;
using System.Linq;
using UcPolicy;

static class Program
{
    static int points, failed;

    static void Point(bool ok, string name, string diag = "")
    {
        points++;
        if (!ok)
            failed++;
        Console.WriteLine((ok ? "ok " : "not ok ") + points + " - " + name + (ok || diag.Length == 0 ? "" : " # " + diag));
    }

    static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: WineCheck EXAMPLES-DIR");
            return 2;
        }
        string certs = Path.Combine(args[0], "certs");
        Topology topology = Topology.Load(Path.Combine(args[0], "topology", "exchange.json"));

        string? native = Library.NativeLibraryPath;
        Console.WriteLine("# libucpolicy " + Library.Version + ", GnuTLS " + Library.GnuTlsVersion + ", native: " + (native ?? "(system search)"));
        Point(Library.Version == Library.BindingVersion, "the loaded library is the version the binding was made from",
              Library.Version + " != " + Library.BindingVersion);
        Point(native == null || string.Equals(Path.GetDirectoryName(native), AppContext.BaseDirectory.TrimEnd('\\', '/'), StringComparison.OrdinalIgnoreCase),
              "the native wrapper is the one beside the program", native ?? "");

        using var checker = new Checker();
        checker.AddTrustAnchors(Path.Combine(certs, "contoso-root.pem"));

        // The incident: CN=*.contoso.com on the Exchange UM certificate.
        Report incident = checker.Check(Path.Combine(certs, "exchange-um-wildcard.pem"), "exchange-um", topology);
        Point(incident.Result == Result.Fail, "exchange-um-wildcard.pem fails", incident.Result.ToString());
        Point(incident.HasFinding("subject.cn-wildcard"), "the finding is subject.cn-wildcard",
              string.Join(",", incident.Findings.Select(f => f.Code)));
        Point(incident.GetExitCode() == 2, "exit code 2", incident.GetExitCode().ToString());
        string json = incident.Render(OutputFormat.Json);
        Point(json.Contains("\"subject.cn-wildcard\""), "the JSON report names the rule");

        // The fix, as PEM and as the PFX Exchange exports (a password-protected PKCS#12 file).
        Report fixedPem = checker.Check(Path.Combine(certs, "exchange-um.pem"), "exchange-um", topology);
        Point(fixedPem.Result == Result.Pass, "exchange-um.pem passes",
              fixedPem.Result + ": " + string.Join(",", fixedPem.Findings.Select(f => f.Code)));
        var password = new System.Security.SecureString();
        foreach (char c in File.ReadAllText(Path.Combine(certs, "exchange-um.pfx.password")).TrimEnd('\r', '\n'))
            password.AppendChar(c);
        Report fixedPfx = checker.Check(Path.Combine(certs, "exchange-um.pfx"), "exchange-um", topology, password);
        Point(fixedPfx.Result == Result.Pass, "exchange-um.pfx passes",
              fixedPfx.Result + ": " + string.Join(",", fixedPfx.Findings.Select(f => f.Code)));

        // A wrong password is an exception naming the file, not a crash.
        var wrong = new System.Security.SecureString();
        foreach (char c in "not-the-password")
            wrong.AppendChar(c);
        try
        {
            checker.Check(Path.Combine(certs, "exchange-um.pfx"), "exchange-um", topology, wrong);
            Point(false, "a wrong PFX password throws", "no exception");
        }
        catch (UcPolicyException e)
        {
            Point(e.Code == UcPolicyErrorCode.Password && e.Message.Contains("exchange-um.pfx"),
                  "a wrong PFX password throws UcPolicyException(Password) naming the file", e.Code + ": " + e.Message);
        }

        Console.WriteLine("1.." + points);
        return failed == 0 ? 0 : 1;
    }
}
