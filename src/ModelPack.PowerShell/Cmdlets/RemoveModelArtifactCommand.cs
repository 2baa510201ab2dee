using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Removes models from the stores that hold them: podman's artifact and image stores and the local store.
/// In the local store, blobs and snapshots no other artifact uses are deleted with them.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ModelArtifact", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ModelArtifact))]
public sealed class RemoveModelArtifactCommand : ModelInputCmdlet
{
    private const string Action = "Remove model artifact";

    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private IReadOnlyList<IModelStrategy> _stores = Array.Empty<IModelStrategy>();
    private List<ModelArtifact>? _listing;

    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public override string[] Reference { get; set; } = Array.Empty<string>();

    /// <summary>Remove without asking for confirmation (-WhatIf still only describes).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        OpenChain(Engine, new ReferenceKindCache());
        var only = MyInvocation.BoundParameters.ContainsKey(StrategyParameter) ? Strategy : StrategyName.Auto;
        _stores = only == StrategyName.Auto ? Chain.Stores : new[] { Chain.Get(EnsureEngineSupports(only)) };
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            RemoveInputObject(InputObject!);
            return;
        }

        // Not de-duplicated across stores: a model in two stores is removed from both, each confirmed on its own.
        var stored = _listing ??= ListEach(_stores);
        foreach (var value in Reference)
        {
            foreach (var artifact in Resolve(stored, value, DescribeStores(_stores), "Nothing was removed.", unlisted: r => FindEach(_stores, r)))
            {
                var owner = Chain.Owner(artifact)!;
                RemoveThrough(owner, artifact, DescribeStore(owner.Name));
            }
        }
    }

    private void RemoveInputObject(ModelArtifact artifact)
    {
        var owner = Chain.Owner(artifact);
        if (owner is null)
        {
            var where = artifact.Strategy == "Layout" ? $" It lives in the OCI layout '{artifact.StorePath}'; delete it there with your OCI tools." : string.Empty;
            WriteModelPackError(CmdletErrors.NotRemovable(artifact, where));
            return;
        }

        if (!_stores.Contains(owner))
        {
            var why = Chain.Stores.Contains(owner)
                ? $"-Strategy {Strategy} limits the removal to another store"
                : $"that store needs podman, and the engine is {Chain.Engine.Found}";
            WriteModelPackError(CmdletErrors.StoreOutOfReach(artifact, owner.Name, why));
            return;
        }

        if (owner.Name == StrategyName.HttpBind)
        {
            if (artifact.StorePath is null)
            {
                WriteModelPackError(CmdletErrors.NoStoreFolder(artifact.Reference));
                return;
            }

            if (OpenStoreOf(artifact) is ModelStore store)
            {
                Remove(artifact, $"the store '{store.Root}'", _ => Task.FromResult(store.Remove(artifact.Reference)));
            }

            return;
        }

        RemoveThrough(owner, artifact, DescribeStore(owner.Name));
    }

    private void RemoveThrough(IModelStrategy owner, ModelArtifact artifact, string where) =>
        Remove(artifact, where, token => owner.RemoveAsync(artifact, token));

    private void Remove(ModelArtifact artifact, string where, Func<CancellationToken, Task<bool>> remove)
    {
        if (!_removed.Add(artifact.Strategy + " " + artifact.Reference))
        {
            return;
        }

        var description = string.Format(CultureInfo.CurrentCulture, "{0} ({1}, {2:N0} bytes) from {3}", artifact.Reference, artifact.Digest, artifact.Size, where);
        if (!Confirmed(description))
        {
            return;
        }

        try
        {
            if (!Run(remove))
            {
                WriteModelPackError(CmdletErrors.AlreadyRemoved(artifact.Reference, where));
                return;
            }
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact.Reference);
            return;
        }

        WriteVerbose(artifact.Strategy == ModelStore.StrategyName
            ? $"Removed '{artifact.Reference}' ({artifact.Digest}) from {where}; blobs and snapshots no other artifact uses were deleted."
            : $"Removed '{artifact.Reference}' ({artifact.Digest}) from {where}.");
        if (PassThru)
        {
            WriteObject(artifact);
        }
    }

    /// <summary>
    /// ShouldProcess, except that -Force (without an explicit -Confirm) skips the prompt that
    /// ConfirmImpact High raises by default. -WhatIf still goes through ShouldProcess, which then
    /// only prints what would happen. (Calling ShouldContinue after ShouldProcess, as low-impact
    /// cmdlets do, would ask twice here.)
    /// </summary>
    private bool Confirmed(string description)
    {
        if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !WhatIfRequested())
        {
            return true;
        }

        return ShouldProcess(description, Action);
    }

    private bool WhatIfRequested()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound))
        {
            return bound is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(bound);
        }

        return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
    }
}
