using System;

namespace ModelPack.Core.Registry;

/// <summary>
/// A user name with a password, or an identity (refresh) token. <see cref="ToString"/> never
/// shows the secret.
/// </summary>
public sealed class RegistryCredential
{
    public RegistryCredential(string userName, string password)
        : this(userName, password, null, "explicit credential")
    {
        if (string.IsNullOrEmpty(userName))
        {
            throw new ArgumentException("A user name is required.", nameof(userName));
        }

        if (password is null)
        {
            throw new ArgumentNullException(nameof(password));
        }
    }

    private RegistryCredential(string userName, string? password, string? identityToken, string source)
    {
        UserName = userName;
        Password = password;
        IdentityToken = identityToken;
        Source = source;
    }

    public string UserName { get; }

    /// <summary>The password; null for an identity-token credential.</summary>
    public string? Password { get; }

    /// <summary>An OAuth2 refresh token (auth.json <c>identitytoken</c>, helper user <c>&lt;token&gt;</c>).</summary>
    public string? IdentityToken { get; }

    /// <summary>Where the credential came from, for verbose output (never the secret).</summary>
    public string Source { get; }

    public static RegistryCredential FromIdentityToken(string identityToken, string? userName = null)
    {
        if (string.IsNullOrEmpty(identityToken))
        {
            throw new ArgumentException("An identity token is required.", nameof(identityToken));
        }

        return new RegistryCredential(string.IsNullOrEmpty(userName) ? "<token>" : userName!, null, identityToken, "explicit identity token");
    }

    internal static RegistryCredential FromSource(string userName, string? password, string? identityToken, string source) =>
        new(userName, password, identityToken, source);

    internal string Secret => IdentityToken ?? Password ?? string.Empty;

    public override string ToString() =>
        IdentityToken is not null ? $"identity token for '{UserName}' (hidden)" : $"user '{UserName}' (password hidden)";
}
