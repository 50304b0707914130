// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Globalization;
using System.Management.Automation;

namespace CdnTasks.Commands
{
    /// <summary>
    /// Lets a TimeSpan parameter take a number of seconds (300, "300", 1.5) as well as a TimeSpan or a
    /// TimeSpan string ("00:05:00"); without it PowerShell would read 300 as 300 ticks.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc/>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case TimeSpan span:
                    return span;
                case int _:
                case long _:
                case double _:
                case float _:
                case decimal _:
                case short _:
                case byte _:
                    return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds):
                    return TimeSpan.FromSeconds(seconds);
                case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan parsed):
                    return parsed;
                default:
                    return inputData;
            }
        }
    }
}
