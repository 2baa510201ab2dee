namespace ModelPack.Core.Configuration;

/// <summary>Where a setting's value came from, so messages can say which knob to turn.</summary>
public enum SettingSource
{
    /// <summary>Nothing set it: the built-in default or automatic detection.</summary>
    Default,

    /// <summary>The config file (<c>config.json</c>).</summary>
    ConfigFile,

    /// <summary>A <c>MODELPACK_*</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>A cmdlet parameter or API argument.</summary>
    Parameter,
}
