using System;
using System.Collections.Generic;
using ModelPack.Core.Engines;
using ModelPack.Core.Store;

namespace ModelPack.Core.Strategies;

/// <summary>What the strategies share in one session: the probed engine, how to run it, and the local store.</summary>
public sealed class StrategyContext
{
    private readonly Lazy<ModelStore> store;

    /// <param name="engine">The probed engine (EngineKind.None works: only HttpBind is usable then).</param>
    /// <param name="storeFactory">Opens the HttpBind store when first needed (default: <see cref="ModelStore.Open"/>).</param>
    /// <param name="runner">Runs engine commands (default: the real <see cref="ProcessRunner"/>).</param>
    /// <param name="environment">
    /// Variables added to (or, with a null value, removed from) the environment of every engine command, such as
    /// CONTAINERS_STORAGE_CONF; the commands otherwise inherit the process environment.
    /// </param>
    public StrategyContext(EngineInfo engine, Func<ModelStore>? storeFactory = null, IProcessRunner? runner = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Engine = engine ?? throw new ArgumentNullException(nameof(engine));
        Runner = runner ?? ProcessRunner.Instance;
        Environment = environment ?? new Dictionary<string, string?>();
        store = new Lazy<ModelStore>(storeFactory ?? (() => ModelStore.Open()));
    }

    public EngineInfo Engine { get; }

    public IProcessRunner Runner { get; }

    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>How long a quick engine command (inspect, ls, rm, exists) may take; pulls run until done or cancelled.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where skipped entries are reported (non-ModelPack artifacts, invalid manifests, images that are not models).</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Where damage found while listing is reported (a stored artifact left out because its manifest is missing); else <see cref="Log"/>.</summary>
    public Action<string>? Warn { get; set; }

    /// <summary>
    /// Whether the HttpBind store exists yet. When set, finding, listing and removing answer "nothing there"
    /// while it returns false instead of opening the store, which would create it: reading must not create a
    /// store. Unset, the store is opened (and created) on first use.
    /// </summary>
    public Func<bool>? StoreExists { get; set; }

    public ModelStore Store => store.Value;

    /// <summary>The store has been opened, or exists to be opened (see <see cref="StoreExists"/>).</summary>
    internal bool HasStore => store.IsValueCreated || StoreExists is null || StoreExists();
}
