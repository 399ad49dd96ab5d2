// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;

namespace UcPolicy.PowerShell
{
    /// <summary>File system paths of the commands' file parameters, resolved as PowerShell does.</summary>
    static class Paths
    {
        /// <summary>The files @path names (wildcards allowed; directories left out), or a
        /// terminating error naming the parameter when none matches or the path is not in the
        /// file system.</summary>
        internal static List<string> ResolveFiles(PSCmdlet cmdlet, string path, string parameter)
        {
            var files = new List<string>();
            try
            {
                foreach (string file in cmdlet.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider))
                {
                    if (provider.Name != "FileSystem")
                        cmdlet.ThrowTerminatingError(NotFileSystem(provider, path));
                    if (!Directory.Exists(file))
                        files.Add(file);
                }
            }
            catch (ItemNotFoundException e)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(e, "UcPolicy.PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            if (files.Count == 0)
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException("No file matches '" + path + "' (-" + parameter + ")."),
                                                             "UcPolicy.PathNotFound", ErrorCategory.ObjectNotFound, path));
            return files;
        }

        internal static ErrorRecord NotFileSystem(ProviderInfo provider, string path) =>
            new ErrorRecord(new System.ArgumentException("'" + path + "' is in the " + provider.Name +
                                                         " provider; certificate files must be file system paths (pipe Cert:\\ items as objects)."),
                            "UcPolicy.NotFileSystemPath", ErrorCategory.InvalidArgument, path);
    }
}
