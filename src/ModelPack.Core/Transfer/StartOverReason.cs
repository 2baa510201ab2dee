namespace ModelPack.Core.Transfer;

/// <summary>Why a blob's transfer goes back to byte 0 (decided in <see cref="PartialBlob.TryStartOver"/>).</summary>
internal enum StartOverReason
{
    /// <summary>The source answered a resume with the whole blob (a registry that ignores Range), or with bytes that do not start at the offset.</summary>
    OffsetIgnored,

    /// <summary>The finished blob did not verify, and bytes kept from an earlier session may be what was wrong.</summary>
    VerificationFailed,

    /// <summary>The blob did not verify and is taken again from another place (a registry after its mirror).</summary>
    OtherSource,
}
