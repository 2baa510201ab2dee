using System.Management.Automation;

namespace ModelPack.Internal;

/// <summary>
/// How a cmdlet reports a file-system failure of one input's work (ModelStoreAccessFailed): the category
/// (ReadError or WriteError), what failed ("Saving 'x' failed while writing to the store or to -Path"; the
/// system's reason follows) and the input it names.
/// </summary>
internal readonly struct StoreFailure
{
    public StoreFailure(ErrorCategory category, string what, object target)
    {
        Category = category;
        What = what;
        Target = target;
    }

    public ErrorCategory Category { get; }

    public string What { get; }

    public object Target { get; }
}
