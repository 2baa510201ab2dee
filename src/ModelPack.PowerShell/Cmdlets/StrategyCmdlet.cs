using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;

namespace ModelPack.Cmdlets;

/// <summary>
/// Cmdlets that go through the strategy chain: they find the engine (-Engine &gt; MODELPACK_ENGINE &gt; config
/// <c>engine</c> &gt; podman, docker on PATH &gt; none), probe it (cached for the session), and build a
/// <see cref="StrategyChain"/> over podman's stores and the local store.
/// </summary>
public abstract class StrategyCmdlet : StoreCmdlet
{
    internal const string StrategyParameter = "Strategy";

    private StrategyChain? _chain;

    /// <summary>The chain <see cref="OpenChain"/> built.</summary>
    internal StrategyChain Chain => _chain ?? throw new InvalidOperationException("OpenChain has not run.");

    /// <summary>-Strategy when it was given (Auto included), else null: then MODELPACK_STRATEGY, the config file or Auto decides.</summary>
    internal StrategyName? RequestedStrategy(StrategyName value) =>
        MyInvocation.BoundParameters.ContainsKey(StrategyParameter) ? value : null;

    /// <summary>
    /// Locates and probes the engine and builds the chain. A named engine that does not exist or is not
    /// podman or docker stops the command (ContainerEngineNotFound, UnsupportedContainerEngine); an engine that
    /// does not answer is no error (the probe says why, and only HttpBind is viable).
    /// </summary>
    internal StrategyChain OpenChain(string? engine, ReferenceKindCache cache)
    {
        EngineLocation? location = null;
        try
        {
            location = EngineLocator.Locate(engine, Settings, HostEnvironment);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, engine);
        }

        WriteVerbose($"Engine: {location!.Kind}{(location.Path is null ? string.Empty : " " + location.Path)} ({location.Description}).");
        var info = Run(token => new EngineProbe().ProbeAsync(location, refresh: false, token));
        WriteVerbose(info.Reason);
        var root = StoreRoot;
        var settings = Settings;

        // Strategies may open the store from a worker thread: what opening reports (artifacts removed after
        // a system stop) is posted to the pipeline thread as warnings.
        var context = new StrategyContext(info, () => OpenStoreAt(root, settings, PostWarning))
        {
            Log = PostVerbose,
            Warn = PostWarning,
            StoreExists = () => File.Exists(Path.Combine(root, OciLayout.LayoutFileName)),
        };
        _chain = new StrategyChain(context, Settings, cache);
        return _chain;
    }

    /// <summary>
    /// StrategyUnavailable (stopping the command) when a forced strategy cannot work on this engine whatever
    /// the reference; returns the strategy asked for, possibly Auto.
    /// </summary>
    internal StrategyName EnsureEngineSupports(StrategyName? requested)
    {
        try
        {
            return StrategySelector.EnsureEngineSupports(requested, Settings, Chain.Engine);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex);
            throw;
        }
    }

    /// <summary>"the store '/x'", "podman's image store (podman 4.3.1 at /usr/bin/podman)", for messages and confirmations.</summary>
    internal string DescribeStore(StrategyName store) => store switch
    {
        StrategyName.PodmanArtifact => $"podman's artifact store ({Chain.Engine.Found})",
        StrategyName.PodmanImage => $"podman's image store ({Chain.Engine.Found})",
        _ => $"the store '{StoreRoot}'",
    };

    /// <summary>The stores named one after the other ("podman's image store (...) or the store '/x'").</summary>
    internal string DescribeStores(IEnumerable<IModelStrategy> stores)
    {
        var names = stores.Select(s => DescribeStore(s.Name)).ToList();
        return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[names.Count - 1];
    }

    /// <summary>
    /// Every artifact in <paramref name="stores"/>, each store listed on its own so one that fails (a podman
    /// error) is reported and the others are still listed.
    /// </summary>
    internal List<ModelArtifact> ListEach(IEnumerable<IModelStrategy> stores) =>
        Run(async token =>
        {
            var all = new List<ModelArtifact>();
            foreach (var store in stores)
            {
                try
                {
                    all.AddRange(await store.ListAsync(token).ConfigureAwait(false));
                }
                catch (ModelPackException ex)
                {
                    Post(() => WriteModelPackError(ex, store.Name.ToString()));
                }
            }

            return all;
        });

    /// <summary>What each store holds under exactly <paramref name="reference"/>, whether or not it lists it; a store that fails is reported.</summary>
    internal List<ModelArtifact> FindEach(IEnumerable<IModelStrategy> stores, Core.References.ModelReference reference) =>
        Run(async token =>
        {
            var found = new List<ModelArtifact>();
            foreach (var store in stores)
            {
                try
                {
                    if (await store.FindAsync(reference, token).ConfigureAwait(false) is ModelArtifact artifact)
                    {
                        found.Add(artifact);
                    }
                }
                catch (ModelPackException ex)
                {
                    Post(() => WriteModelPackError(ex, store.Name.ToString()));
                }
            }

            return found;
        });
}
