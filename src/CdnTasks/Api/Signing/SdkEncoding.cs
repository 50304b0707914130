// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Text;

namespace CdnTasks.Api.Signing
{
    /// <summary>
    /// RFC 3986 percent-encoding as the Huawei Cloud SDKs apply it for SDK-HMAC-SHA256 signing:
    /// the unreserved characters <c>A-Z a-z 0-9 - _ . ~</c> are kept, every other UTF-8 byte becomes
    /// <c>%XX</c> with upper-case hex (so a space is <c>%20</c>, never <c>+</c>).
    /// </summary>
    internal static class SdkEncoding
    {
        /// <summary>Upper-case hex digits used for <c>%XX</c> escapes.</summary>
        private const string UpperHex = "0123456789ABCDEF";

        /// <summary>
        /// Percent-encodes <paramref name="value"/> over its UTF-8 bytes, keeping only RFC 3986 unreserved characters.
        /// Surrogate pairs (non-BMP characters) are encoded as their 4-byte UTF-8 sequence.
        /// </summary>
        /// <param name="value">The unencoded text; <c>null</c> is treated as empty.</param>
        /// <returns>The encoded text; the same instance when nothing needs encoding.</returns>
        /// <exception cref="ArgumentException"><paramref name="value"/> contains a lone (unpaired) surrogate, which has no UTF-8 form.</exception>
        public static string Encode(string value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return string.Empty;
            }

            int first = IndexOfFirstToEncode(value);
            if (first < 0)
            {
                return value;
            }

            var sb = new StringBuilder(value.Length + 16);
            AppendEncoded(sb, value, first);
            return sb.ToString();
        }

        /// <summary>
        /// Builds the canonical URI: each <c>/</c>-separated segment of <paramref name="path"/> is encoded
        /// with <see cref="Encode"/> (the path is taken as already decoded), and a trailing <c>/</c> is appended
        /// if missing. <c>""</c> and <c>"/"</c> both give <c>"/"</c>.
        /// </summary>
        /// <param name="path">The decoded request path; <c>null</c> is treated as empty.</param>
        /// <returns>The canonical URI, always ending in <c>/</c>.</returns>
        /// <exception cref="ArgumentException"><paramref name="path"/> contains a lone surrogate.</exception>
        public static string CanonicalUri(string path)
        {
            if (string.IsNullOrEmpty(path) || path == "/")
            {
                return "/";
            }

            var sb = new StringBuilder(path.Length + 17);
            AppendCanonicalUri(sb, path);
            return sb.ToString();
        }

        /// <summary>
        /// Builds the canonical query string: parameters sorted by name then value (ordinal comparison of the
        /// unencoded strings), each emitted as <c>enc(name)=enc(value)</c>, joined by <c>&amp;</c>. An empty value
        /// keeps the <c>=</c>; repeated names are all emitted; no parameters give <c>""</c>.
        /// This string is also what the client sends on the wire as the query string.
        /// </summary>
        /// <param name="parameters">The unencoded parameters; <c>null</c> means none. A <c>null</c> value is treated as empty.</param>
        /// <returns>The canonical query string without a leading <c>?</c>.</returns>
        /// <exception cref="ArgumentException">A parameter name is <c>null</c> or empty, or a name or value contains a lone surrogate.</exception>
        public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters)
        {
            if (parameters == null)
            {
                return string.Empty;
            }

            var list = new List<KeyValuePair<string, string>>(parameters is ICollection<KeyValuePair<string, string>> c ? c.Count : 8);
            foreach (var p in parameters)
            {
                if (string.IsNullOrEmpty(p.Key))
                {
                    throw new ArgumentException("A query parameter name must not be null or empty.", nameof(parameters));
                }

                list.Add(p.Value == null ? new KeyValuePair<string, string>(p.Key, string.Empty) : p);
            }

            if (list.Count == 0)
            {
                return string.Empty;
            }

            list.Sort(CompareParameters);

            var sb = new StringBuilder(list.Count * 24);
            for (int i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append('&');
                }

                AppendEncoded(sb, list[i].Key);
                sb.Append('=');
                AppendEncoded(sb, list[i].Value);
            }

            return sb.ToString();
        }

        /// <summary>Appends the canonical URI of a non-empty <paramref name="path"/> to <paramref name="sb"/>.</summary>
        /// <param name="sb">The target builder.</param>
        /// <param name="path">The decoded request path.</param>
        internal static void AppendCanonicalUri(StringBuilder sb, string path)
        {
            int segmentStart = 0;
            for (int i = 0; i <= path.Length; i++)
            {
                if (i == path.Length || path[i] == '/')
                {
                    if (i > segmentStart)
                    {
                        AppendEncoded(sb, path, segmentStart, i - segmentStart);
                    }

                    if (i < path.Length)
                    {
                        sb.Append('/');
                    }

                    segmentStart = i + 1;
                }
            }

            if (sb.Length == 0 || sb[sb.Length - 1] != '/')
            {
                sb.Append('/');
            }
        }

        /// <summary>Appends the encoded form of the whole of <paramref name="value"/> to <paramref name="sb"/>.</summary>
        /// <param name="sb">The target builder.</param>
        /// <param name="value">The unencoded text; <c>null</c> is treated as empty.</param>
        internal static void AppendEncoded(StringBuilder sb, string value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                AppendEncoded(sb, value, 0, value.Length);
            }
        }

        /// <summary>Orders parameters by name, then by value, ordinal on the unencoded strings.</summary>
        /// <param name="x">The first parameter.</param>
        /// <param name="y">The second parameter.</param>
        /// <returns>Negative, zero or positive as for <see cref="string.CompareOrdinal(string, string)"/>.</returns>
        private static int CompareParameters(KeyValuePair<string, string> x, KeyValuePair<string, string> y)
        {
            int byName = string.CompareOrdinal(x.Key, y.Key);
            return byName != 0 ? byName : string.CompareOrdinal(x.Value, y.Value);
        }

        /// <summary>Appends <paramref name="value"/> from <paramref name="start"/> to its end, encoded; the part before is copied verbatim.</summary>
        /// <param name="sb">The target builder.</param>
        /// <param name="value">The unencoded text.</param>
        /// <param name="start">Index of the first character that may need encoding.</param>
        private static void AppendEncoded(StringBuilder sb, string value, int start)
        {
            sb.Append(value, 0, start);
            AppendEncoded(sb, value, start, value.Length - start);
        }

        /// <summary>Appends the encoded form of <paramref name="value"/>[<paramref name="start"/>, +<paramref name="count"/>) to <paramref name="sb"/>.</summary>
        /// <param name="sb">The target builder.</param>
        /// <param name="value">The unencoded text.</param>
        /// <param name="start">Index of the first character.</param>
        /// <param name="count">Number of UTF-16 code units to encode.</param>
        /// <exception cref="ArgumentException">The range contains a lone surrogate.</exception>
        private static void AppendEncoded(StringBuilder sb, string value, int start, int count)
        {
            int end = start + count;
            for (int i = start; i < end; i++)
            {
                char c = value[i];
                if (IsUnreserved(c))
                {
                    sb.Append(c);
                }
                else if (c < 0x80)
                {
                    AppendByte(sb, c);
                }
                else if (c < 0x800)
                {
                    AppendByte(sb, 0xC0 | (c >> 6));
                    AppendByte(sb, 0x80 | (c & 0x3F));
                }
                else if (char.IsHighSurrogate(c))
                {
                    if (i + 1 >= end || !char.IsLowSurrogate(value[i + 1]))
                    {
                        throw new ArgumentException("The text contains an unpaired high surrogate at index " + i + "; it cannot be encoded as UTF-8.", nameof(value));
                    }

                    int cp = char.ConvertToUtf32(c, value[i + 1]);
                    i++;
                    AppendByte(sb, 0xF0 | (cp >> 18));
                    AppendByte(sb, 0x80 | ((cp >> 12) & 0x3F));
                    AppendByte(sb, 0x80 | ((cp >> 6) & 0x3F));
                    AppendByte(sb, 0x80 | (cp & 0x3F));
                }
                else if (char.IsLowSurrogate(c))
                {
                    throw new ArgumentException("The text contains an unpaired low surrogate at index " + i + "; it cannot be encoded as UTF-8.", nameof(value));
                }
                else
                {
                    AppendByte(sb, 0xE0 | (c >> 12));
                    AppendByte(sb, 0x80 | ((c >> 6) & 0x3F));
                    AppendByte(sb, 0x80 | (c & 0x3F));
                }
            }
        }

        /// <summary>Appends <c>%XX</c> (upper-case hex) for one byte.</summary>
        /// <param name="sb">The target builder.</param>
        /// <param name="b">The byte value, 0..255.</param>
        private static void AppendByte(StringBuilder sb, int b)
        {
            sb.Append('%');
            sb.Append(UpperHex[(b >> 4) & 0xF]);
            sb.Append(UpperHex[b & 0xF]);
        }

        /// <summary>Returns the index of the first character of <paramref name="value"/> that is not unreserved, or -1.</summary>
        /// <param name="value">The text to scan.</param>
        /// <returns>The index, or -1 when the text needs no encoding.</returns>
        private static int IndexOfFirstToEncode(string value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                if (!IsUnreserved(value[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>True for the RFC 3986 unreserved characters <c>A-Z a-z 0-9 - _ . ~</c>.</summary>
        /// <param name="c">The character.</param>
        /// <returns>Whether <paramref name="c"/> is kept as is.</returns>
        private static bool IsUnreserved(char c)
        {
            return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~';
        }
    }
}
