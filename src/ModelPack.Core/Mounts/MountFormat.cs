using System.Diagnostics.CodeAnalysis;

namespace ModelPack;

/// <summary>How Get-ModelMount hands a mount back (the values of its -As parameter).</summary>
public enum MountFormat
{
    /// <summary>A <see cref="ModelMount"/> object.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Users type '-As Object': the value names the kind of output, not a type.")]
    Object,

    /// <summary>Only the engine's command-line argument (<see cref="ModelMount.Argument"/>).</summary>
    Argument,

    /// <summary>Podman quadlet units (<see cref="Core.Mounts.Rendering.QuadletRendering"/>): the <c>.container</c> snippet and the pull unit.</summary>
    Quadlet,

    /// <summary>A Kubernetes pod spec fragment in YAML (<see cref="Core.Mounts.Rendering.KubernetesRendering"/>).</summary>
    Kubernetes,
}
