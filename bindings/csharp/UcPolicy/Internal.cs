// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace UcPolicy
{
    /// <summary>Small helpers shared by the facade.</summary>
    internal static class Util
    {
        static readonly DateTimeOffset Epoch = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

        /// <summary>Unix seconds as a UTC DateTimeOffset, clamped to what DateTimeOffset can hold
        /// (certificates may say 9999-12-31 or carry absurd dates).</summary>
        public static DateTimeOffset FromUnixSeconds(long seconds)
        {
            const long min = -62135596800L; // 0001-01-01
            const long max = 253402300799L; // 9999-12-31T23:59:59
            if (seconds < min)
                seconds = min;
            else if (seconds > max)
                seconds = max;
            return Epoch.AddSeconds(seconds);
        }

        /// <summary>The lowest severity that fails, as the library's fail-on level: null is never.</summary>
        public static Interop.ucp_fail_on FailOn(Severity? failOn, string parameter) => failOn switch
        {
            null => Interop.ucp_fail_on.UCP_FAIL_ON_NEVER,
            Severity.Error => Interop.ucp_fail_on.UCP_FAIL_ON_ERROR,
            Severity.Warning => Interop.ucp_fail_on.UCP_FAIL_ON_WARNING,
            Severity.Info => Interop.ucp_fail_on.UCP_FAIL_ON_INFO,
            _ => throw new ArgumentOutOfRangeException(parameter, failOn, "Not a severity: give Error, Warning, Info or null (never)."),
        };

        public static long ToUnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

        /// <summary>Reads count/at pairs into a read-only list.</summary>
        public static IReadOnlyList<T> List<T>(int count, Func<int, T> at)
        {
            if (count == 0)
                return Array.Empty<T>();
            var items = new T[count];
            for (int i = 0; i < count; i++)
                items[i] = at(i);
            return new ReadOnlyCollection<T>(items);
        }
    }
}
