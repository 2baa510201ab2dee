namespace ModelPack.Core.Packing;

/// <summary>What packing does with a file no rule, dataset path or override gives a kind.</summary>
public enum UnclassifiedFileHandling
{
    /// <summary>
    /// Pack it as a doc layer marked <c>org.cncf.model.file.mediatype.untested: "true"</c>: nothing the
    /// user put in the folder is lost, and consumers can tell the kind was a guess. The default.
    /// </summary>
    Doc,

    /// <summary>Refuse to pack (UnclassifiedModelFile), listing every such file.</summary>
    Error,

    /// <summary>Leave it out (the plan and the result list it).</summary>
    Skip,
}
