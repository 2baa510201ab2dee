using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;

namespace ModelPack.Core.Strategies;

/// <summary>
/// The options a podman pull gets from a <see cref="PullContext"/>: <c>--tls-verify=false</c> for registries
/// the user named insecure, and an explicit credential through a temporary auth file (podman reads the same
/// auth.json format), so no secret appears on a command line. Dispose removes the file.
/// </summary>
internal sealed class PodmanPullArguments : IDisposable
{
    private readonly string? directory;

    private PodmanPullArguments(IReadOnlyList<string> options, string? directory)
    {
        Options = options;
        this.directory = directory;
    }

    public IReadOnlyList<string> Options { get; }

    public static PodmanPullArguments For(ModelReference reference, PullContext context)
    {
        var options = new List<string>();
        if (context.InsecureRegistries.Contains(reference.Registry))
        {
            options.Add("--tls-verify=false");
        }

        string? directory = null;
        if (context.Credential is RegistryCredential credential)
        {
            directory = Path.Combine(Path.GetTempPath(), "modelpack-auth-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            RestrictToOwner(directory, 0x1C0); // 0700
            var file = Path.Combine(directory, "auth.json");
            File.WriteAllText(file, AuthJson(reference.Registry, credential), new UTF8Encoding(false));
            RestrictToOwner(file, 0x180); // 0600
            options.Add("--authfile");
            options.Add(file);
        }

        return new PodmanPullArguments(options, directory);
    }

    public void Dispose()
    {
        if (directory is not null)
        {
            DirectoryTree.TryDelete(directory);
        }
    }

    private static string AuthJson(string registry, RegistryCredential credential)
    {
        var entry = credential.IdentityToken is string token
            ? JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("identitytoken", token);
                w.WriteEndObject();
            })
            : JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("auth", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password)));
                w.WriteEndObject();
            });
        return "{\"auths\":{" + Encoding.UTF8.GetString(JsonText.Write(w => w.WriteStringValue(registry))) + ":" + Encoding.UTF8.GetString(entry) + "}}";
    }

    private static void RestrictToOwner(string path, int mode)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && NativeMethods.UnixChmod(NativeMethods.Utf8Path(path), mode) != 0)
        {
            throw new IOException($"Cannot restrict '{path}' to its owner (errno {Marshal.GetLastWin32Error()}); refusing to write a credential there.");
        }
    }
}
