using System;
using System.Linq;
using System.Text;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>Names for generated units and volumes, made from a model's reference.</summary>
internal static class UnitNames
{
    private const int MaxLabelLength = 63;

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
            builder.Append(char.IsLetterOrDigit(c) && c < 128 || c == '_' || c == '.' || c == '-' ? c : '-');
        }

        var name = builder.ToString().Trim('-', '.');
        return name.Length == 0 ? "model" : name;
    }

    /// <summary>A caller's unit name: letters, digits, '_', '.', '-' only (it becomes a file and a systemd unit name).</summary>
    public static string Check(string unitName)
    {
        if (string.IsNullOrEmpty(unitName) || unitName.Any(c => !(char.IsLetterOrDigit(c) && c < 128 || c == '_' || c == '.' || c == '-')) || unitName.StartsWith(".", StringComparison.Ordinal))
        {
            throw new ModelPackException(
                ErrorIds.InvalidUnitName,
                ErrorKind.InvalidArgument,
                $"The unit name {DisplayText.Quote(unitName)} must be letters, digits, '_', '.' and '-' only, for example 'llama'.",
                unitName);
        }

        return unitName;
    }

    /// <summary>A Kubernetes volume name (an RFC 1123 label): "model-" and the unit name, lower case, at most 63 characters.</summary>
    public static string VolumeName(string unitName)
    {
        var builder = new StringBuilder("model-");
        foreach (var c in unitName.ToLowerInvariant())
        {
            builder.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        }

        var name = builder.ToString();
        if (name.Length > MaxLabelLength)
        {
            name = name.Substring(0, MaxLabelLength);
        }

        return name.TrimEnd('-');
    }
}
