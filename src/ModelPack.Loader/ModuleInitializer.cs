using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelPack.Loading;

/// <summary>
/// Runs when the module is imported, before PowerShell reads the cmdlet assembly: installs the resolver
/// that finds ModelPack.Core in the module's Dependencies folder. On PowerShell 7 (.NET) the engine and
/// its libraries load into a private AssemblyLoadContext (<see cref="EngineLoadContext"/>), so another
/// module's System.Text.Json or SharpCompress never meets ours, and the engine's public types are made
/// type accelerators (<see cref="EngineTypeNames"/>) so that <c>[ModelPack.ModelArtifact]</c> still
/// resolves; on Windows PowerShell 5.1 (.NET Framework, which has no load contexts)
/// <see cref="DesktopResolver"/> loads them from the same folder into the one AppDomain.
/// Imports are counted (every runspace that imports the module, ForEach-Object -Parallel's too): the
/// resolver and the type names go when the last import is removed.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static int s_imports;
    private static IReadOnlyList<string> s_typeNames = Array.Empty<string>();

    internal static bool IsNetFramework { get; } =
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    public void OnImport()
    {
        lock (Gate)
        {
            if (s_imports++ > 0)
            {
                return;
            }

            if (IsNetFramework)
            {
                InstallDesktop();
            }
            else
            {
                s_typeNames = EngineTypeNames.Add(InstallEngineContext());
            }
        }
    }

    /// <summary>
    /// Remove-Module: assemblies already loaded stay (.NET cannot unload them), so an Import-Module
    /// afterwards finds the engine bound and installs the resolver again.
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (s_imports == 0 || --s_imports > 0)
            {
                return;
            }

            if (IsNetFramework)
            {
                UninstallDesktop();
            }
            else
            {
                EngineTypeNames.Remove(s_typeNames);
                s_typeNames = Array.Empty<string>();
                UninstallEngineContext();
            }
        }
    }

    // Each edition's code sits behind its own method so the JIT never compiles a reference to
    // AssemblyLoadContext on .NET Framework, where the type does not exist.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Assembly InstallEngineContext() => EngineLoadContext.Install();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UninstallEngineContext() => EngineLoadContext.Uninstall();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InstallDesktop() => DesktopResolver.Install();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UninstallDesktop() => DesktopResolver.Uninstall();
}
