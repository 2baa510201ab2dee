using System;
using System.Linq;
using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>Names for generated quadlet units and Kubernetes volumes, made from a model's reference or given by the caller.</summary>
public static class UnitNames
{
    /// <summary>
    /// The longest base name: systemd refuses unit names over 255 characters, and the longest name made from it is
    /// <c>NAME-artifact.service</c>, the service quadlet generates for <c>NAME.artifact</c>.
    /// </summary>
    public const int MaxLength = 255 - 17;

    /// <summary>The quadlet (podman-systemd.unit(5)) and systemd suffixes: a base name that ends in one was almost certainly meant without it.</summary>
    private static readonly string[] UnitSuffixes = [".container", ".artifact", ".image", ".volume", ".network", ".pod", ".kube", ".build", ".service"];

    /// <summary>The repository's last component ("tiny" for registry/models/tiny:1.0), reduced to [A-Za-z0-9_.-].</summary>
    public static string FromReference(string reference)
    {
        var repository = ModelReference.TryParse(reference, out var parsed, out _) ? parsed!.Repository : reference;
        var last = repository.Split('/').Last();
        var colon = last.IndexOf(':');
        if (colon > 0)
        {
            last = last.Substring(0, colon);
        }

        var builder = new StringBuilder();
        foreach (var c in last)
        {
            builder.Append(IsUnitNameCharacter(c) ? c : '-');
        }

        var name = builder.ToString();
        if (name.Length > MaxLength)
        {
            name = name.Substring(0, MaxLength);
        }

        name = name.Trim('-', '.');
        return name.Length == 0 ? "model" : name;
    }

    /// <summary>
    /// A caller's unit base name: ASCII letters, digits, '_', '.' and '-', not starting with '.', at most
    /// <see cref="MaxLength"/> characters, and without a unit suffix (it becomes file and systemd unit names).
    /// </summary>
    /// <exception cref="ModelPackException"><see cref="ErrorIds.InvalidUnitName"/> (InvalidArgument), the name as target.</exception>
    public static string Check(string? unitName)
    {
        if (unitName is null || unitName.Length == 0 || !unitName.All(IsUnitNameCharacter) || unitName[0] == '.')
        {
            throw Invalid(unitName, $"The unit name {DisplayText.Quote(unitName)} must be ASCII letters, digits, '_', '.' and '-' only, not starting with '.', for example 'llama'.");
        }

        if (unitName.Length > MaxLength)
        {
            throw Invalid(unitName, $"The unit name {DisplayText.Quote(unitName)} has {unitName.Length} characters; at most {MaxLength} fit, because systemd unit names such as NAME-artifact.service are limited to 255.");
        }

        var suffix = UnitSuffixes.FirstOrDefault(s => unitName.EndsWith(s, StringComparison.OrdinalIgnoreCase) && unitName.Length > s.Length);
        if (suffix is not null)
        {
            var stem = unitName.Substring(0, unitName.Length - suffix.Length);
            throw Invalid(unitName, $"The unit name {DisplayText.Quote(unitName)} ends in '{suffix}'. Give the base name, such as {DisplayText.Quote(stem)}: the suffixes (.container, .artifact, .image) are added to it.");
        }

        return unitName;
    }

    /// <summary>A Kubernetes volume name (a DNS-1123 label): "model-" and the unit name, lower case, other characters as '-', at most 63 characters.</summary>
    public static string VolumeName(string unitName)
    {
        var builder = new StringBuilder("model-");
        foreach (var c in unitName.ToLowerInvariant())
        {
            builder.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        }

        var name = builder.ToString();
        if (name.Length > KubernetesNames.MaxLabelLength)
        {
            name = name.Substring(0, KubernetesNames.MaxLabelLength);
        }

        return name.TrimEnd('-');
    }

    private static bool IsUnitNameCharacter(char c) => (char.IsLetterOrDigit(c) && c < 128) || c == '_' || c == '.' || c == '-';

    private static ModelPackException Invalid(string? unitName, string message) => MountErrors.InvalidUnitName(unitName, message);
}
