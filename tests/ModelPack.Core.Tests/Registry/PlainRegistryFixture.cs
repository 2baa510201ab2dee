using System;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>One real registry without auth over plain http, shared by a test class.</summary>
public sealed class PlainRegistryFixture : IDisposable
{
    public PlainRegistryFixture()
    {
        Registry = RegistryProcess.Start();
        Home = new TempDirectory("modelpack-home");
    }

    public RegistryProcess Registry { get; }

    public TempDirectory Home { get; }

    public void Dispose()
    {
        Registry.Dispose();
        Home.Dispose();
    }
}
