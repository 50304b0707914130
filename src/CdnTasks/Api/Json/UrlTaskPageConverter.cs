// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdnTasks.Api.Json
{
    /// <summary>A ShowUrlTaskInfo page read straight into the public model (no intermediate DTO).</summary>
    [JsonConverter(typeof(UrlTaskPageConverter))]
    internal sealed class UrlTaskPage
    {
        /// <summary>Gets or sets the number of matching records the service reported, or null.</summary>
        public long? Total { get; set; }

        /// <summary>Gets or sets the service's "count" (records on this page), or null.</summary>
        public long? Count { get; set; }

        /// <summary>Gets the records of the page, in service order (room for a full page of 100 from the start).</summary>
        public List<CdnUrlTask> Records { get; } = new List<CdnUrlTask>(100);
    }

    /// <summary>
    /// Reads a ShowUrlTaskInfo body (<c>{"total","count","result":[...]}</c>) with a Utf8JsonReader straight into
    /// <see cref="CdnUrlTask"/> objects: enumerated values are matched on the service's spelling in UTF-8 bytes, in
    /// either case, and become the module's words (SUCCEED is Succeeded, REFRESH is Purge; no string is made for a
    /// known value); numbers may come as strings, unknown properties are skipped and unknown values pass through.
    /// Anything that is not that shape is a <see cref="JsonException"/>.
    /// </summary>
    internal sealed class UrlTaskPageConverter : JsonConverter<UrlTaskPage>
    {
        // MethodImplOptions.AggressiveOptimization (not in netstandard2.0's enum; .NET Core 3.0+ honours it, .NET
        // Framework ignores it): these run once per record, so they are compiled optimised at once instead of
        // spending a cold command's first pages in unoptimised tier-0 code.
        private const MethodImplOptions Hot = (MethodImplOptions)512;

        private static readonly byte[] s_total = Utf8("total");
        private static readonly byte[] s_count = Utf8("count");
        private static readonly byte[] s_result = Utf8("result");
        private static readonly byte[] s_id = Utf8("id");
        private static readonly byte[] s_url = Utf8("url");
        private static readonly byte[] s_status = Utf8("status");
        private static readonly byte[] s_type = Utf8("type");
        private static readonly byte[] s_taskId = Utf8("task_id");
        private static readonly byte[] s_modifyTime = Utf8("modify_time");
        private static readonly byte[] s_createTime = Utf8("create_time");
        private static readonly byte[] s_fileType = Utf8("file_type");
        private static readonly byte[] s_mode = Utf8("mode");
        private static readonly Known s_statuses = new Known(Normalize.UrlStatus);
        private static readonly Known s_taskTypes = new Known(Normalize.TaskType);
        private static readonly Known s_fileTypes = new Known(Normalize.FileType);
        private static readonly Known s_modes = new Known(Normalize.Mode);

        /// <inheritdoc/>
        [MethodImpl(Hot)]
        public override UrlTaskPage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            var page = new UrlTaskPage();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                bool total = reader.ValueTextEquals(s_total);
                bool count = !total && reader.ValueTextEquals(s_count);
                bool result = !total && !count && reader.ValueTextEquals(s_result);
                reader.Read();
                if (total)
                {
                    page.Total = ReadInt64(ref reader);
                }
                else if (count)
                {
                    page.Count = ReadInt64(ref reader);
                }
                else if (result && reader.TokenType != JsonTokenType.Null)
                {
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        page.Records.Add(ReadRecord(ref reader));
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return page;
        }

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, UrlTaskPage value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Url-task pages are only read.");

        [MethodImpl(Hot)]
        private static CdnUrlTask ReadRecord(ref Utf8JsonReader reader)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            var record = new CdnUrlTask();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals(s_id))
                {
                    reader.Read();
                    record.Id = ReadInt64(ref reader) ?? 0;
                }
                else if (reader.ValueTextEquals(s_url))
                {
                    reader.Read();
                    record.Url = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals(s_status))
                {
                    reader.Read();
                    record.Status = s_statuses.Read(ref reader);
                }
                else if (reader.ValueTextEquals(s_type))
                {
                    reader.Read();
                    record.TaskType = s_taskTypes.Read(ref reader);
                }
                else if (reader.ValueTextEquals(s_taskId))
                {
                    reader.Read();
                    record.TaskId = ReadInt64(ref reader) ?? 0;
                }
                else if (reader.ValueTextEquals(s_createTime))
                {
                    reader.Read();
                    record.CreateTimeUtc = Normalize.FromEpochMs(ReadInt64(ref reader));
                }
                else if (reader.ValueTextEquals(s_modifyTime))
                {
                    reader.Read();
                    record.ModifyTimeUtc = Normalize.FromEpochMs(ReadInt64(ref reader));
                }
                else if (reader.ValueTextEquals(s_fileType))
                {
                    reader.Read();
                    record.FileType = s_fileTypes.Read(ref reader);
                }
                else if (reader.ValueTextEquals(s_mode))
                {
                    reader.Read();
                    record.Mode = s_modes.Read(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return record;
        }

        [MethodImpl(Hot)]
        private static long? ReadInt64(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    return reader.TryGetInt64(out long number) ? number : throw new JsonException($"The number {Describe(ref reader)} is not a whole number.");
                case JsonTokenType.String:
                    return long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed)
                        ? parsed
                        : throw new JsonException($"The value {Describe(ref reader)} is not a number.");
                case JsonTokenType.Null:
                    return null;
                default:
                    throw new JsonException($"Expected a number, found {reader.TokenType}.");
            }
        }

        private static string ReadString(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    return reader.GetString();
                case JsonTokenType.Null:
                    return null;
                default:
                    throw new JsonException($"Expected a string, found {reader.TokenType}.");
            }
        }

        private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
        {
            if (reader.TokenType != token)
            {
                throw new JsonException($"Expected {token}, found {reader.TokenType}.");
            }
        }

        private static string Describe(ref Utf8JsonReader reader) =>
            reader.HasValueSequence ? "(value)" : System.Text.Encoding.UTF8.GetString(reader.ValueSpan.ToArray());

        private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

        /// <summary>A closed set whose service spellings are matched on their UTF-8 bytes in either case; other spellings go through the vocabulary.</summary>
        private sealed class Known
        {
            private readonly Vocabulary _vocabulary;
            private readonly byte[][] _lower;
            private readonly byte[][] _upper;

            public Known(Vocabulary vocabulary)
            {
                _vocabulary = vocabulary;
                _lower = Array.ConvertAll(vocabulary.Wires, c => Utf8(c.ToLowerInvariant()));
                _upper = Array.ConvertAll(vocabulary.Wires, c => Utf8(c.ToUpperInvariant()));
            }

            [MethodImpl(Hot)]
            public string Read(ref Utf8JsonReader reader)
            {
                if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    for (int i = 0; i < _upper.Length; i++)
                    {
                        if (reader.ValueTextEquals(_upper[i]) || reader.ValueTextEquals(_lower[i]))
                        {
                            return _vocabulary.Words[i];
                        }
                    }
                }

                return _vocabulary.FromService(ReadString(ref reader));
            }
        }
    }
}
