namespace ModelPack.Core.Engines;

/// <summary>The container engine a mount is made for.</summary>
public enum EngineKind
{
    /// <summary>No engine: only the HttpBind strategy, whose mounts any engine or Kubernetes can use.</summary>
    None,

    Podman,

    Docker,
}
