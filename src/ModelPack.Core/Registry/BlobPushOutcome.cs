namespace ModelPack.Core.Registry;

/// <summary>How a blob got into the repository.</summary>
public enum BlobPushOutcome
{
    /// <summary>The repository had it already (HEAD); nothing was sent.</summary>
    AlreadyExists,

    /// <summary>Mounted from another repository of the same registry; nothing was sent.</summary>
    Mounted,

    /// <summary>Uploaded, in one PUT or in chunks.</summary>
    Uploaded,
}
