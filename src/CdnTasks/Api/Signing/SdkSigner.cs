// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace CdnTasks.Api.Signing
{
    /// <summary>
    /// Huawei Cloud AK/SK request signing, algorithm <c>SDK-HMAC-SHA256</c> (AWS-SigV4-like, but the HMAC key is
    /// the raw secret key and the canonical URI always ends in <c>/</c>). Pure functions, thread-safe.
    /// </summary>
    internal static class SdkSigner
    {
        /// <summary>The algorithm name used in the string to sign and the <c>Authorization</c> header.</summary>
        public const string Algorithm = "SDK-HMAC-SHA256";

        /// <summary>Lower-case name of the mandatory signed date header.</summary>
        private const string SdkDateHeaderName = "x-sdk-date";

        /// <summary>Lower-case hex digits.</summary>
        private const string LowerHex = "0123456789abcdef";

        /// <summary>Per-thread SHA-256 instance, reused to avoid a native allocation per hash.</summary>
        [ThreadStatic]
        private static SHA256 t_sha256;

        /// <summary>
        /// Formats a time as the <c>X-Sdk-Date</c> value <c>yyyyMMdd'T'HHmmss'Z'</c>, Gregorian, ASCII digits,
        /// independent of the current culture. A <see cref="DateTimeKind.Local"/> value is converted to UTC first;
        /// an <see cref="DateTimeKind.Unspecified"/> value is taken as UTC.
        /// </summary>
        /// <param name="utc">The time, in UTC.</param>
        /// <returns>For example <c>20231115T081500Z</c>.</returns>
        public static string FormatSdkDate(DateTime utc)
        {
            if (utc.Kind == DateTimeKind.Local)
            {
                utc = utc.ToUniversalTime();
            }

            var c = new char[16];
            Write(c, 0, utc.Year, 4);
            Write(c, 4, utc.Month, 2);
            Write(c, 6, utc.Day, 2);
            c[8] = 'T';
            Write(c, 9, utc.Hour, 2);
            Write(c, 11, utc.Minute, 2);
            Write(c, 13, utc.Second, 2);
            c[15] = 'Z';
            return new string(c);
        }

        /// <summary>Lower-case hex SHA-256 of a byte range (an empty range gives <c>e3b0c442…b855</c>).</summary>
        /// <param name="body">The bytes; may be <c>null</c> only when <paramref name="count"/> is 0.</param>
        /// <param name="offset">Start of the range.</param>
        /// <param name="count">Length of the range.</param>
        /// <returns>64 lower-case hex characters.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="body"/> is <c>null</c> and <paramref name="count"/> is not 0.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range does not lie within <paramref name="body"/>.</exception>
        public static string HashHex(byte[] body, int offset, int count)
        {
            if (body == null)
            {
                if (count != 0 || offset != 0)
                {
                    throw new ArgumentNullException(nameof(body));
                }

                body = Array.Empty<byte>();
            }

            if (offset < 0 || offset > body.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset));
            }

            if (count < 0 || count > body.Length - offset)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            return ToLowerHex(Sha256().ComputeHash(body, offset, count));
        }

        /// <summary>
        /// Builds the canonical request:
        /// <c>METHOD\nCanonicalURI\nCanonicalQuery\n(name:value\n)*\nSignedHeaders\nBodyHash</c>.
        /// </summary>
        /// <param name="method">HTTP method; upper-cased.</param>
        /// <param name="path">Decoded request path; encoded with <see cref="SdkEncoding.CanonicalUri"/>.</param>
        /// <param name="canonicalQuery">Query as produced by <see cref="SdkEncoding.CanonicalQuery"/>; <c>null</c> means none.</param>
        /// <param name="signedHeaders">The headers to sign (names any case, values untrimmed); they are lower-cased, trimmed and sorted by name.</param>
        /// <param name="bodySha256Hex">Lower-case hex SHA-256 of the body (see <see cref="HashHex"/>), or the <c>X-Sdk-Content-Sha256</c> value.</param>
        /// <param name="signedHeaderNames">Receives the sorted lower-case header names joined by <c>;</c>.</param>
        /// <returns>The canonical request text (no trailing newline).</returns>
        /// <exception cref="ArgumentException">An argument is missing or empty, a header name is empty or repeated, a header value is <c>null</c>, or the path holds a lone surrogate.</exception>
        public static string BuildCanonicalRequest(string method, string path, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> signedHeaders, string bodySha256Hex, out string signedHeaderNames)
        {
            KeyValuePair<string, string>[] headers = NormalizeHeaders(signedHeaders);
            return BuildCanonicalRequestCore(method, path, canonicalQuery, headers, bodySha256Hex, out signedHeaderNames);
        }

        /// <summary>Builds the string to sign: <c>"SDK-HMAC-SHA256\n" + sdkDate + "\n" + hex(SHA256(UTF8(canonicalRequest)))</c>.</summary>
        /// <param name="sdkDate">The <c>X-Sdk-Date</c> value that is signed.</param>
        /// <param name="canonicalRequest">The canonical request from <see cref="BuildCanonicalRequest"/>.</param>
        /// <returns>The string to sign.</returns>
        /// <exception cref="ArgumentException"><paramref name="sdkDate"/> is empty or <paramref name="canonicalRequest"/> is <c>null</c>.</exception>
        public static string BuildStringToSign(string sdkDate, string canonicalRequest)
        {
            if (string.IsNullOrEmpty(sdkDate))
            {
                throw new ArgumentException("The SDK date must not be null or empty.", nameof(sdkDate));
            }

            if (canonicalRequest == null)
            {
                throw new ArgumentNullException(nameof(canonicalRequest));
            }

            byte[] crBytes = Encoding.UTF8.GetBytes(canonicalRequest);
            var sb = new StringBuilder(Algorithm.Length + sdkDate.Length + 66);
            sb.Append(Algorithm).Append('\n').Append(sdkDate).Append('\n');
            AppendLowerHex(sb, Sha256().ComputeHash(crBytes));
            return sb.ToString();
        }

        /// <summary>
        /// Signs a request and returns the <c>Authorization</c> header value
        /// <c>SDK-HMAC-SHA256 Access=AK, SignedHeaders=…, Signature=…</c>.
        /// </summary>
        /// <param name="method">HTTP method; upper-cased.</param>
        /// <param name="path">Decoded request path.</param>
        /// <param name="canonicalQuery">Query as produced by <see cref="SdkEncoding.CanonicalQuery"/>; <c>null</c> means none.</param>
        /// <param name="signedHeaders">The headers to sign; must contain <c>X-Sdk-Date</c> (any case), whose trimmed value is the date in the string to sign.</param>
        /// <param name="bodySha256Hex">Lower-case hex SHA-256 of the body.</param>
        /// <param name="accessKey">The access key id.</param>
        /// <param name="secretKeyUtf8">The secret key as UTF-8 bytes. The caller owns and zeroes it; no reference is kept.</param>
        /// <returns>The <c>Authorization</c> header value.</returns>
        /// <exception cref="ArgumentException">X-Sdk-Date is not among <paramref name="signedHeaders"/>, or another argument is invalid (see <see cref="BuildCanonicalRequest"/>).</exception>
        public static string Sign(string method, string path, string canonicalQuery, IEnumerable<KeyValuePair<string, string>> signedHeaders, string bodySha256Hex, string accessKey, byte[] secretKeyUtf8)
        {
            if (string.IsNullOrEmpty(accessKey))
            {
                throw new ArgumentException("The access key must not be null or empty.", nameof(accessKey));
            }

            if (secretKeyUtf8 == null || secretKeyUtf8.Length == 0)
            {
                throw new ArgumentException("The secret key must not be null or empty.", nameof(secretKeyUtf8));
            }

            KeyValuePair<string, string>[] headers = NormalizeHeaders(signedHeaders);
            string sdkDate = null;
            foreach (var h in headers)
            {
                if (h.Key == SdkDateHeaderName)
                {
                    sdkDate = h.Value;
                    break;
                }
            }

            if (string.IsNullOrEmpty(sdkDate))
            {
                throw new ArgumentException("The signed headers must include a non-empty X-Sdk-Date header.", nameof(signedHeaders));
            }

            string canonicalRequest = BuildCanonicalRequestCore(method, path, canonicalQuery, headers, bodySha256Hex, out string signedHeaderNames);
            string stringToSign = BuildStringToSign(sdkDate, canonicalRequest);

            byte[] mac;
            using (var hmac = new HMACSHA256(secretKeyUtf8))
            {
                mac = hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign));
            }

            var sb = new StringBuilder(Algorithm.Length + accessKey.Length + signedHeaderNames.Length + 110);
            sb.Append(Algorithm)
              .Append(" Access=").Append(accessKey)
              .Append(", SignedHeaders=").Append(signedHeaderNames)
              .Append(", Signature=");
            AppendLowerHex(sb, mac);
            return sb.ToString();
        }

        /// <summary>Builds the canonical request from already normalized, sorted headers.</summary>
        /// <param name="method">HTTP method.</param>
        /// <param name="path">Decoded request path.</param>
        /// <param name="canonicalQuery">Canonical query string or <c>null</c>.</param>
        /// <param name="headers">Lower-cased, trimmed, sorted, unique headers.</param>
        /// <param name="bodySha256Hex">Body hash.</param>
        /// <param name="signedHeaderNames">Receives the names joined by <c>;</c>.</param>
        /// <returns>The canonical request.</returns>
        private static string BuildCanonicalRequestCore(string method, string path, string canonicalQuery, KeyValuePair<string, string>[] headers, string bodySha256Hex, out string signedHeaderNames)
        {
            if (string.IsNullOrEmpty(method))
            {
                throw new ArgumentException("The HTTP method must not be null or empty.", nameof(method));
            }

            if (string.IsNullOrEmpty(bodySha256Hex))
            {
                throw new ArgumentException("The body hash must not be null or empty.", nameof(bodySha256Hex));
            }

            var names = new StringBuilder(headers.Length * 12);
            for (int i = 0; i < headers.Length; i++)
            {
                if (i > 0)
                {
                    names.Append(';');
                }

                names.Append(headers[i].Key);
            }

            signedHeaderNames = names.ToString();

            // Sized for the whole canonical request (the path may grow by percent-encoding), so it is built in one buffer.
            int capacity = method.Length + (path?.Length ?? 0) * 3 + (canonicalQuery?.Length ?? 0) + signedHeaderNames.Length + bodySha256Hex.Length + 16;
            foreach (var h in headers)
            {
                capacity += h.Key.Length + h.Value.Length + 2;
            }

            var sb = new StringBuilder(capacity);
            sb.Append(method.ToUpperInvariant()).Append('\n');
            SdkEncoding.AppendCanonicalUri(sb, path ?? string.Empty);
            sb.Append('\n');
            sb.Append(canonicalQuery ?? string.Empty).Append('\n');
            foreach (var h in headers)
            {
                sb.Append(h.Key).Append(':').Append(h.Value).Append('\n');
            }

            sb.Append('\n');
            sb.Append(signedHeaderNames).Append('\n');
            sb.Append(bodySha256Hex);
            return sb.ToString();
        }

        /// <summary>Lower-cases names, trims values, sorts by name (ordinal) and rejects empty or repeated names and <c>null</c> values.</summary>
        /// <param name="signedHeaders">The caller's headers.</param>
        /// <returns>A new sorted array.</returns>
        private static KeyValuePair<string, string>[] NormalizeHeaders(IEnumerable<KeyValuePair<string, string>> signedHeaders)
        {
            if (signedHeaders == null)
            {
                throw new ArgumentNullException(nameof(signedHeaders));
            }

            var list = new List<KeyValuePair<string, string>>(signedHeaders is ICollection<KeyValuePair<string, string>> c ? c.Count : 8);
            foreach (var h in signedHeaders)
            {
                if (string.IsNullOrEmpty(h.Key))
                {
                    throw new ArgumentException("A signed header name must not be null or empty.", nameof(signedHeaders));
                }

                if (h.Value == null)
                {
                    throw new ArgumentException("The value of signed header '" + h.Key + "' must not be null.", nameof(signedHeaders));
                }

                list.Add(new KeyValuePair<string, string>(h.Key.Trim().ToLowerInvariant(), h.Value.Trim()));
            }

            KeyValuePair<string, string>[] array = list.ToArray();
            Array.Sort(array, (x, y) => string.CompareOrdinal(x.Key, y.Key));
            for (int i = 0; i < array.Length; i++)
            {
                if (array[i].Key.Length == 0)
                {
                    throw new ArgumentException("A signed header name must not be blank.", nameof(signedHeaders));
                }

                if (i > 0 && array[i].Key == array[i - 1].Key)
                {
                    throw new ArgumentException("Signed header '" + array[i].Key + "' is given more than once.", nameof(signedHeaders));
                }
            }

            return array;
        }

        /// <summary>Returns this thread's reusable SHA-256 instance.</summary>
        /// <returns>A SHA-256 hasher (not to be disposed by the caller).</returns>
        private static SHA256 Sha256()
        {
            return t_sha256 ?? (t_sha256 = SHA256.Create());
        }

        /// <summary>Lower-case hex of all bytes.</summary>
        /// <param name="bytes">The bytes.</param>
        /// <returns>The hex string, two characters per byte.</returns>
        private static string ToLowerHex(byte[] bytes)
        {
            var c = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                c[2 * i] = LowerHex[bytes[i] >> 4];
                c[(2 * i) + 1] = LowerHex[bytes[i] & 0xF];
            }

            return new string(c);
        }

        /// <summary>Appends the lower-case hex of all bytes.</summary>
        /// <param name="sb">The target builder.</param>
        /// <param name="bytes">The bytes.</param>
        private static void AppendLowerHex(StringBuilder sb, byte[] bytes)
        {
            foreach (byte b in bytes)
            {
                sb.Append(LowerHex[b >> 4]).Append(LowerHex[b & 0xF]);
            }
        }

        /// <summary>Writes <paramref name="value"/> as exactly <paramref name="digits"/> ASCII decimal digits, zero-padded.</summary>
        /// <param name="c">The target buffer.</param>
        /// <param name="index">Where the first digit goes.</param>
        /// <param name="value">A non-negative value below 10^digits.</param>
        /// <param name="digits">Digit count.</param>
        private static void Write(char[] c, int index, int value, int digits)
        {
            for (int i = index + digits - 1; i >= index; i--)
            {
                c[i] = (char)('0' + (value % 10));
                value /= 10;
            }
        }
    }
}
