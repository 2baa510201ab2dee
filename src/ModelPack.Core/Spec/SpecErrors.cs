using System.Globalization;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Spec;

/// <summary>
/// The failures of reading spec documents that are not spec violations, worded once (violations are
/// <see cref="SpecViolation"/>s, reported together in a <see cref="ModelSpecException"/>).
/// </summary>
internal static class SpecErrors
{
    /// <param name="reason">Why the path is refused, a sentence.</param>
    public static ModelPackException UnsafeLayerPath(string path, string reason) => new(
        ErrorIds.UnsafeLayerPath,
        ErrorKind.SecurityError,
        $"Refusing layer path {DisplayText.Quote(path)}: {reason} A model's file paths must be relative and stay inside the model; ask the publisher to repackage it.",
        path);

    public static ModelPackException ConfigTooLarge(string subject, Descriptor config, long limit, object? target) => new(
        ErrorIds.ConfigTooLarge,
        ErrorKind.InvalidData,
        $"{subject} declares {config.Size.ToString(CultureInfo.InvariantCulture)} bytes ({config.Digest}), more than the {limit.ToString(CultureInfo.InvariantCulture)} a model config may have: a config is a small JSON document, so it was not read.",
        target ?? subject);
}
