// Copyright (c) CdnTasks contributors. MIT License.
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace CdnTasks.Emulator.Control;

/// <summary>The options as they were at start-up (POST /_emulator/reset goes back to them).</summary>
internal sealed class StartupOptions(EmulatorOptions value)
{
    /// <summary>A copy of the start-up options.</summary>
    public EmulatorOptions Value { get; } = value.Clone();
}

/// <summary>
/// POST /_emulator/options: changes options of the running emulator by name (as on the command line, any case).
/// Options that only matter at start-up, and the fault options (use /_emulator/faults), cannot be changed.
/// </summary>
internal static class RuntimeOptions
{
    private static readonly PropertyInfo[] Properties = typeof(EmulatorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    private static readonly HashSet<string> StartOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(EmulatorOptions.AllowRemote), nameof(EmulatorOptions.ExitOnStdinClose), nameof(EmulatorOptions.CertificateHost),
        nameof(EmulatorOptions.CertificatePath), nameof(EmulatorOptions.Faults), nameof(EmulatorOptions.FaultProbability),
        nameof(EmulatorOptions.FaultKinds),
    };

    /// <summary>Applies a JSON object of option values to a copy of <paramref name="current"/>; returns the copy, or null and an error text.</summary>
    public static EmulatorOptions? Apply(EmulatorOptions current, JsonElement body, out string? error)
    {
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "the body must be a JSON object of option values, such as {\"RateLimitPerSecond\": 20}";
            return null;
        }

        EmulatorOptions next = current.Clone();
        foreach (JsonProperty p in body.EnumerateObject())
        {
            PropertyInfo? property = Properties.FirstOrDefault(x => x.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                error = $"unknown option '{p.Name}'";
                return null;
            }

            if (StartOnly.Contains(property.Name))
            {
                error = $"{property.Name} can only be set at start-up" + (property.Name.StartsWith("Fault", StringComparison.Ordinal) ? " (use POST /_emulator/faults)" : "");
                return null;
            }

            if (!TryConvert(p.Value, property.PropertyType, out object? value))
            {
                error = $"{property.Name} must be {Describe(property.PropertyType)}";
                return null;
            }

            property.SetValue(next, value);
        }

        return next;
    }

    /// <summary>Copies every option value from <paramref name="from"/> into <paramref name="to"/> (the live singleton).</summary>
    public static void CopyInto(EmulatorOptions from, EmulatorOptions to)
    {
        foreach (PropertyInfo p in Properties) p.SetValue(to, p.GetValue(from));
    }

    /// <summary>Writes every option as GET /_emulator/options shows it.</summary>
    public static void Write(EmulatorOptions o, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        foreach (PropertyInfo p in Properties)
        {
            switch (p.GetValue(o))
            {
                case null: w.WriteNull(p.Name); break;
                case bool b: w.WriteBoolean(p.Name, b); break;
                case int i: w.WriteNumber(p.Name, i); break;
                case long l: w.WriteNumber(p.Name, l); break;
                case double d: w.WriteNumber(p.Name, d); break;
                case object v: w.WriteString(p.Name, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
            }
        }

        w.WriteEndObject();
    }

    private static bool TryConvert(JsonElement v, Type type, out object? value)
    {
        value = null;
        Type? inner = Nullable.GetUnderlyingType(type);
        if (v.ValueKind == JsonValueKind.Null) return inner is not null || !type.IsValueType;
        Type t = inner ?? type;
        if (t == typeof(string))
        {
            if (v.ValueKind != JsonValueKind.String) return false;
            value = v.GetString();
            return true;
        }

        if (t == typeof(bool))
        {
            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return false;
            value = v.GetBoolean();
            return true;
        }

        if (v.ValueKind != JsonValueKind.Number) return false;
        if (t == typeof(int) && v.TryGetInt32(out int i)) value = i;
        else if (t == typeof(long) && v.TryGetInt64(out long l)) value = l;
        else if (t == typeof(double) && v.TryGetDouble(out double d)) value = d;
        return value is not null;
    }

    private static string Describe(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        string what = t == typeof(bool) ? "true or false" : t == typeof(string) ? "a string" : t == typeof(double) ? "a number" : "a whole number";
        return Nullable.GetUnderlyingType(type) is not null || t == typeof(string) ? what + " (or null)" : what;
    }
}
