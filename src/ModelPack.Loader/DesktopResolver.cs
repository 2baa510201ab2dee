using System;
using System.Reflection;

namespace ModelPack.Loading;

/// <summary>
/// Windows PowerShell 5.1 (.NET Framework) has no AssemblyLoadContext: the engine and its libraries load
/// from the Dependencies folder into the one AppDomain when .NET Framework cannot find them, for the
/// module's own assemblies only. The handler also stands in for binding redirects (a library built
/// against System.Memory 4.0.1.2 gets the folder's 4.0.5.0). Strong-named libraries of other versions
/// that another module loaded stay side by side with ours, as .NET Framework allows; an unsigned one
/// (none of ours) would be shared.
/// </summary>
internal static class DesktopResolver
{
    public static void Install() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

    public static void Uninstall() => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        if (args.RequestingAssembly is Assembly requester && !ModuleDependencies.IsModuleAssembly(requester))
        {
            return null;
        }

        var path = ModuleDependencies.PathOf(new AssemblyName(args.Name));
        return path is null ? null : Assembly.LoadFrom(path);
    }
}
