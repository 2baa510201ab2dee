using System.Collections.Generic;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Registry;

/// <summary>The failures of short-name resolution (<see cref="ShortNameResolver"/>).</summary>
public static class ShortNameErrors
{
    /// <summary>ShortNameAmbiguous: enforcing mode, several candidates, and no one to ask (or no candidate chosen).</summary>
    public static ModelPackException Ambiguous(ShortNameResolution resolution, string input, bool declined) =>
        new(
            ErrorIds.ShortNameAmbiguous,
            ErrorKind.InvalidOperation,
            (declined ? $"No candidate was chosen for short name '{resolution.Input.ShortName}'" : $"Short name '{resolution.Input.ShortName}' is ambiguous and short-name-mode is enforcing, which asks the user, but this session cannot prompt") +
            $": the unqualified-search-registries of '{resolution.Origin}' give {ShortNameResolver.List(resolution.Candidates)}. " +
            "Use the fully qualified name, or add an [aliases] entry to registries.conf.",
            input);

    internal static ModelPackException NotFound(ShortNameResolution resolution, IEnumerable<string> failures) =>
        new(
            ErrorIds.ShortNameNotFound,
            ErrorKind.ObjectNotFound,
            $"Short name '{resolution.Input.ShortName}' was found in none of the unqualified-search registries of '{resolution.Origin}': {string.Join("; ", failures)}",
            resolution.Input.ShortName);

    internal static ModelPackException NoSearchRegistries(string name, string origin) =>
        new(
            ErrorIds.ShortNameNotFound,
            ErrorKind.ObjectNotFound,
            $"Short name '{name}' has no alias and '{origin}' sets unqualified-search-registries to an empty list. Use the fully qualified name, or add an [aliases] entry.",
            name);

    internal static ModelPackException BadAlias(string name, string value, string origin, string reason) =>
        new(
            ErrorIds.InvalidConfiguration,
            ErrorKind.InvalidData,
            $"The alias of short name '{name}' in '{origin}' is '{value}', which is not a fully qualified name without tag or digest{(reason.Length == 0 ? string.Empty : " (" + reason + ")")}. Fix the [aliases] entry.",
            origin);

    internal static ModelPackException BadSearchRegistry(string registry, string origin, string reason) =>
        new(
            ErrorIds.InvalidConfiguration,
            ErrorKind.InvalidData,
            $"unqualified-search-registries of '{origin}' names '{registry}', which is not a registry host[:port]{(reason.Length == 0 ? string.Empty : " (" + reason + ")")}.",
            origin);
}
