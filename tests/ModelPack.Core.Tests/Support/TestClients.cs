using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using ModelPack.Core.Registry;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// RegistryClientOptions for tests: an injected environment (empty unless given, home in a temp
/// dir) so no test reads the real auth files, registries.conf or proxy settings, and a log that
/// the test can inspect.
/// </summary>
public sealed class TestClientSetup
{
    public TestClientSetup(string home, IDictionary<string, string>? variables = null)
    {
        Home = home;
        Variables = new Dictionary<string, string>(variables ?? new Dictionary<string, string>());
    }

    public string Home { get; }

    public Dictionary<string, string> Variables { get; }

    public ConcurrentQueue<string> Log { get; } = new();

    public string LogText => string.Join("\n", Log);

    /// <summary>Retry waits take no real time in tests; they are recorded here.</summary>
    internal VirtualRetryTimer RetryTimer { get; } = new();

    public RegistryClientOptions Options(Action<RegistryClientOptions>? configure = null)
    {
        var options = new RegistryClientOptions
        {
            Environment = new RegistryEnvironment(Variables, Home, systemContainersDirectory: System.IO.Path.Combine(Home, "etc-containers")),
            Log = Log.Enqueue,
            Trace = Log.Enqueue,
            RequestTimeout = TimeSpan.FromSeconds(20),
            RetryTimer = RetryTimer,
        };
        configure?.Invoke(options);
        return options;
    }

    public RegistryClient Client(Action<RegistryClientOptions>? configure = null) => new(Options(configure));
}
