using System;
using System.Net;
using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Registry;

public class RegistryErrorsTests
{
    private static readonly Uri Url = new("https://user:pw@reg.example/v2/a/b/blobs/uploads/abc?_state=SECRETSTATE&digest=sha256:1");

    private static RegistryException Map(int status, NotFoundMeaning notFound = NotFoundMeaning.Manifest, RegistryCredential? credential = null, AuthChallenge? challenge = null, string? body = null) =>
        RegistryErrors.FromResponse(new FailedAnswer((HttpStatusCode)status, "GET", Url, OciErrorBody.Parse(body is null ? null : Encoding.UTF8.GetBytes(body)))
        {
            NotFound = notFound,
            Target = "reg.example/a/b:v1",
            Registry = "reg.example",
            Credential = credential,
            Challenge = challenge,
        });

    [Theory]
    [InlineData(401, ErrorIds.RegistryAuthenticationFailed, ErrorKind.AuthenticationError)]
    [InlineData(403, ErrorIds.RegistryPermissionDenied, ErrorKind.PermissionDenied)]
    [InlineData(404, ErrorIds.ModelArtifactNotFound, ErrorKind.ObjectNotFound)]
    [InlineData(429, ErrorIds.RegistryError, ErrorKind.ResourceUnavailable)]
    [InlineData(500, ErrorIds.RegistryError, ErrorKind.ResourceUnavailable)]
    [InlineData(400, ErrorIds.RegistryError, ErrorKind.InvalidOperation)]
    public void Maps_status_to_error_id_and_kind(int status, string id, ErrorKind kind)
    {
        var ex = Map(status);

        Assert.Equal(id, ex.ErrorId);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
    }

    [Fact]
    public void A_404_means_what_was_asked_for()
    {
        Assert.Equal(ErrorIds.BlobNotFound, Map(404, NotFoundMeaning.Blob).ErrorId);
        Assert.Equal(ErrorIds.ModelArtifactNotFound, Map(404, NotFoundMeaning.Repository).ErrorId);
        Assert.Equal(ErrorIds.RegistryError, Map(404, NotFoundMeaning.Other).ErrorId);
    }

    [Fact]
    public void Insufficient_scope_with_credentials_is_permission_denied_without_them_authentication()
    {
        var challenge = AuthChallenge.ParseAll("Bearer realm=\"https://r\",error=\"insufficient_scope\"")[0];
        var credential = new RegistryCredential("bob", "hunter22");

        Assert.Equal(ErrorIds.RegistryPermissionDenied, Map(401, credential: credential, challenge: challenge).ErrorId);
        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, Map(401, challenge: challenge).ErrorId);
        Assert.Equal(ErrorIds.RegistryAuthenticationFailed, Map(401, credential: credential).ErrorId);
    }

    [Fact]
    public void Carries_OCI_codes_and_a_url_without_secrets()
    {
        var ex = Map(404, body: "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}},{\"code\":\"NAME_UNKNOWN\"}]}", credential: new RegistryCredential("bob", "hunter22"));

        Assert.Equal(new[] { "MANIFEST_UNKNOWN", "NAME_UNKNOWN" }, ex.ErrorCodes);
        Assert.Equal("https://reg.example/v2/a/b/blobs/uploads/abc", ex.Url);
        Assert.Contains("MANIFEST_UNKNOWN: manifest unknown", ex.Message);
        foreach (var secret in new[] { "SECRETSTATE", "user:pw", "hunter22" })
        {
            Assert.DoesNotContain(secret, ex.ToString());
        }
    }

    [Fact]
    public void Credentials_never_show_their_secret()
    {
        var password = new RegistryCredential("bob", "hunter22");
        var token = RegistryCredential.FromIdentityToken("refresh-abcdef");

        Assert.DoesNotContain("hunter22", password.ToString());
        Assert.Contains("bob", password.ToString());
        Assert.DoesNotContain("refresh-abcdef", token.ToString());
    }

    [Fact]
    public void The_redactor_removes_known_secrets_and_their_basic_encoding()
    {
        var lines = new System.Collections.Generic.List<string>();
        var redactor = new SecretRedactor(lines.Add);
        redactor.AddCredential(new RegistryCredential("bob", "hunter22"));

        redactor.Log("echo hunter22 and " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:hunter22")));

        Assert.Equal("echo *** and ***", Assert.Single(lines));
    }
}
