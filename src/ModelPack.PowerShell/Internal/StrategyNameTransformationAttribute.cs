using System;
using System.Management.Automation;
using ModelPack.Core.Strategies;

namespace ModelPack.Internal;

/// <summary>
/// Lets -Strategy take the spellings MODELPACK_STRATEGY and the config file take (<c>http-bind</c> as well as
/// <c>HttpBind</c>), and words a wrong value as they do, listing what is accepted.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class StrategyNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is not string text)
        {
            return inputData;
        }

        if (StrategyNames.TryParse(text, out var name))
        {
            return name;
        }

        throw new ArgumentTransformationMetadataException($"'{text}' is not a strategy. Use one of {StrategyNames.Accepted}.");
    }
}
