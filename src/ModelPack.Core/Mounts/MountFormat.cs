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
}
