// SPDX-License-Identifier: MIT
namespace UcPolicy.Tests
{
    /// <summary>The online settings of every test that fetches revocation data from a server it
    /// started (UcPolicy.TestPki.LoopbackCrlServer): those servers listen on 127.0.0.1, which
    /// online fetches refuse unless the private network is allowed.</summary>
    public static class TestOnline
    {
        /// <summary>Online, the private network allowed.</summary>
        public static void Enable(Checker checker)
        {
            checker.Online = true;
            checker.AllowPrivateNetwork = true;
        }
    }
}
