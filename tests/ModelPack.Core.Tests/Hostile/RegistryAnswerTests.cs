using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Hostile;

/// <summary>
/// What a hostile registry says back: a password echoed in another case or encoded never reaches a message, a
/// manifest served under the index Content-Type is reported as what it is, and a token realm on another host is
/// sent credentials only over https (or to loopback and insecure hosts).
/// </summary>
public sealed class RegistryAnswerTests : IDisposable
{
    private const string User = "mallory-victim";
    private const string Password = "Tr0ub4dor-s3cret/pw";
    private readonly TempDirectory _home = new("modelpack-home");
    private readonly TestClientSetup _setup;

    public RegistryAnswerTests()
    {
        _setup = new TestClientSetup(_home.Path);
    }

    public void Dispose() => _home.Dispose();

    [Fact]
    public void The_redactor_masks_a_secret_in_any_case_and_its_base64_and_URL_encodings()
    {
        var redactor = new SecretRedactor(null);
        redactor.AddCredential(new RegistryCredential(User, Password));

        var text = $"{Password.ToUpperInvariant()} {Password.ToLowerInvariant()} {Convert.ToBase64String(Encoding.UTF8.GetBytes(Password))} {WebUtility.UrlEncode(Password)} {Uri.EscapeDataString(Password)} {Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password))}";

        Assert.Equal("*** *** *** *** *** ***", redactor.Redact(text));
    }

    [Fact]
    public async Task A_registry_that_echoes_the_password_in_its_error_never_gets_it_printed()
    {
        using var hostile = new HostileRegistry(User, Password) { EchoPassword = true };
        using var client = _setup.Client(o => o.Credentials[hostile.HostPort] = new RegistryCredential(User, Password));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(hostile.HostPort, "models/echo").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.RegistryPermissionDenied, ex.ErrorId);
        Assert.Contains("may not pull this", ex.Message, StringComparison.Ordinal);
        var shown = ex.ToString() + " " + string.Join(" ", ex.ErrorCodes) + " " + ex.Url + " " + _setup.LogText;
        foreach (var form in Forms(Password))
        {
            Assert.DoesNotContain(form, shown, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_manifest_served_as_an_index_says_what_was_served()
    {
        using var hostile = new HostileRegistry();
        var model = TestArtifact.Create("served-as-index");
        hostile.Add("models/mislabelled", "v1", model, MediaTypes.OciIndex);
        using var client = _setup.Client();
        var reference = hostile.Reference("models/mislabelled", "v1");

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(hostile.HostPort, "models/mislabelled").ResolveManifestAsync("v1"));

        Assert.Equal(ErrorIds.ManifestMediaTypeMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(reference, ex.Target);
        Assert.Contains($"'{MediaTypes.OciIndex}' (its Content-Type)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"its content says it is a '{MediaTypes.OciManifest}'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lists 0 manifests", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_without_mediaType_served_as_an_index_is_named_an_image_manifest()
    {
        using var hostile = new HostileRegistry();
        var model = TestArtifact.Create("no-media-type");
        var bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(model.ManifestBytes).Replace("\"mediaType\":\"" + MediaTypes.OciManifest + "\",", string.Empty, StringComparison.Ordinal));
        hostile.AddManifest("models/bare", "v1", bytes, MediaTypes.OciIndex);
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(hostile.HostPort, "models/bare").ResolveManifestAsync("v1"));

        Assert.Equal(ErrorIds.ManifestMediaTypeMismatch, ex.ErrorId);
        Assert.Contains("its content is an image manifest (it has 'config' and 'layers', and no 'manifests' list)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_index_served_as_a_manifest_says_so()
    {
        using var hostile = new HostileRegistry();
        var index = ImageIndex.Create(new[] { TestArtifact.Create("inner").Manifest.ToDescriptor() }).ToBytes();
        var bare = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(index).Replace("\"mediaType\":\"" + MediaTypes.OciIndex + "\",", string.Empty, StringComparison.Ordinal));
        hostile.AddManifest("models/index", "v1", bare, MediaTypes.OciManifest);
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(hostile.HostPort, "models/index").ResolveManifestAsync("v1"));

        Assert.Equal(ErrorIds.ManifestMediaTypeMismatch, ex.ErrorId);
        Assert.Contains("its content is an index", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_realm_over_plain_http_on_another_host_gets_no_credentials()
    {
        using var registry = new MiniHttpServer((request, response) => response.SendJsonAsync(
            401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", new[] { new KeyValuePair<string, string>("WWW-Authenticate", "Bearer realm=\"http://tokens.example.invalid/token\",service=\"x\"") }));
        using var client = _setup.Client(o => o.Credentials[registry.HostPort] = new RegistryCredential(User, Password));

        var ex = await Assert.ThrowsAsync<ModelPackException>(() => client.Repository(registry.HostPort, "models/x").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.InsecureRegistryRefused, ex.ErrorId);
        Assert.Contains("tokens.example.invalid", ex.Message, StringComparison.Ordinal);
    }

    private static string[] Forms(string secret) => new[]
    {
        secret,
        Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)),
        WebUtility.UrlEncode(secret),
        Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + secret)),
    };
}
