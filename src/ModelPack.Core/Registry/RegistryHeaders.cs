using System;
using System.Linq;

namespace ModelPack.Core.Registry;

/// <summary>Header reads on registry responses (response headers first, then content headers).</summary>
internal static class RegistryHeaders
{
    public static string? Value(RegistryResponse response, string name) =>
        response.Message.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() :
        response.Content is not null && response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.FirstOrDefault() : null;

    /// <summary>The response's Location made absolute against the URL that answered; that URL when there is none.</summary>
    public static Uri Location(RegistryResponse response) =>
        response.Message.Headers.Location is Uri header ? (header.IsAbsoluteUri ? header : new Uri(response.Url, header)) : response.Url;

    public static AuthChallenge? Challenge(RegistryResponse response) =>
        response.Message.Headers.TryGetValues("WWW-Authenticate", out var values) ? AuthChallenge.Select(values) : null;
}
