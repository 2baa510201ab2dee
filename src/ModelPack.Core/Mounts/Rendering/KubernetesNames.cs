using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Mounts.Rendering;

/// <summary>
/// The names a pod spec fragment uses. Kubernetes takes container and volume names only as DNS-1123 labels
/// (lower-case ASCII letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)
/// and rejects the whole object otherwise, so a bad name is refused here, before it reaches kubectl.
/// </summary>
public static class KubernetesNames
{
    public const int MaxLabelLength = 63;

    /// <summary>Whether the name is a DNS-1123 label.</summary>
    public static bool IsLabel(string? name)
    {
        if (name is null || name.Length == 0 || name.Length > MaxLabelLength || !IsAlphanumeric(name[0]) || !IsAlphanumeric(name[name.Length - 1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <exception cref="ModelPackException"><see cref="ErrorIds.InvalidContainerName"/> (InvalidArgument), the name as target.</exception>
    public static string CheckContainerName(string? containerName) =>
        IsLabel(containerName) ? containerName! : throw Invalid(ErrorIds.InvalidContainerName, "container", containerName);

    /// <exception cref="ModelPackException"><see cref="ErrorIds.InvalidVolumeName"/> (InvalidArgument), the name as target.</exception>
    public static string CheckVolumeName(string? volumeName) =>
        IsLabel(volumeName) ? volumeName! : throw Invalid(ErrorIds.InvalidVolumeName, "volume", volumeName);

    private static bool IsAlphanumeric(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    private static ModelPackException Invalid(string errorId, string what, string? name) => MountErrors.NotADnsLabel(errorId, what, name, MaxLabelLength);
}
