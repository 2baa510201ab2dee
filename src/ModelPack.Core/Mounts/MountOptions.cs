using System;
using ModelPack.Core.Engines;

namespace ModelPack.Core.Mounts;

/// <summary>Where a model should appear inside the container, and for which engine the mounts are written.</summary>
public sealed class MountOptions
{
    /// <param name="engine">The engine the mounts are for: its kind picks the CLI syntax, its version the podman features.</param>
    /// <param name="destination">The container directory (default <see cref="ContainerPath.DefaultDestination"/>), checked here.</param>
    /// <exception cref="Errors.ModelPackException">InvalidMountDestination.</exception>
    public MountOptions(EngineInfo engine, string? destination = ContainerPath.DefaultDestination)
    {
        Engine = engine ?? throw new ArgumentNullException(nameof(engine));
        Destination = ContainerPath.NormalizeDestination(destination);
    }

    public EngineInfo Engine { get; }

    /// <summary>The normalised absolute container path: no '..', ',', '=', quotes or control characters.</summary>
    public string Destination { get; }

    /// <summary>"docker" for docker, else "podman": the syntax <see cref="ModelMount.Argument"/> is written in.</summary>
    public string EngineName => Engine.Kind == EngineKind.Docker ? "docker" : "podman";
}
