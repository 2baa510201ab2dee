using System;
using System.Reflection;
using System.Runtime.Loader;

namespace ModelPack.Loading;

/// <summary>
/// The private load context of ModelPack.Core and its libraries on PowerShell 7, as the PowerShell team
/// recommends for binary modules: the default context asks for ModelPack.Core (the only assembly the
/// cmdlets reference from the Dependencies folder) through its Resolving event; everything Core then
/// needs is loaded here from the folder. A library the runtime or PowerShell itself already provides in
/// at least our version (System.Memory, System.Buffers, ...) is shared with the default context instead,
/// so framework types stay one type; only what is newer than the platform's (System.Text.Json 10 on
/// PowerShell 7.4, SharpCompress, Tomlyn, ...) is private.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private static EngineLoadContext? s_instance;

    private readonly PlatformAssemblies _platform = new();

    private EngineLoadContext()
    {
    }

    /// <summary>The one context for the process, made on first import.</summary>
    public static EngineLoadContext Instance => s_instance ??= new EngineLoadContext();

    /// <summary>Hooks the default context's Resolving event and loads the engine; returns it.</summary>
    public static Assembly Install()
    {
        Default.Resolving += ResolveEngine;
        return Instance.LoadFromAssemblyName(new AssemblyName(ModuleDependencies.EngineAssemblyName));
    }

    public static void Uninstall() => Default.Resolving -= ResolveEngine;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = ModuleDependencies.PathOf(assemblyName);
        if (path is null || _platform.Provides(assemblyName.Name!, path))
        {
            return null;
        }

        return LoadFromAssemblyPath(path);
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, ModuleDependencies.EngineAssemblyName, StringComparison.Ordinal) && ModuleDependencies.PathOf(name) is not null
            ? Instance.LoadFromAssemblyName(name)
            : null;
}
