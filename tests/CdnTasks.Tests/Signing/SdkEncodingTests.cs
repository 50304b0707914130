// Copyright (c) CdnTasks contributors. MIT License.

using CdnTasks.Api.Signing;
using Xunit;

namespace CdnTasks.Tests.Signing
{
    /// <summary>Tests for <see cref="SdkEncoding"/> against the rules and vectors of spec §3.1, §3.4 and §3.8.</summary>
    public class SdkEncodingTests
    {
        /// <summary>Shorthand for a query parameter.</summary>
        /// <param name="name">Parameter name.</param>
        /// <param name="value">Parameter value.</param>
        /// <returns>The pair.</returns>
        private static KeyValuePair<string, string> P(string name, string value) => new KeyValuePair<string, string>(name, value);

        /// <summary>Unreserved characters are kept; everything else becomes %XX (upper-case hex) over UTF-8.</summary>
        /// <param name="input">Unencoded text.</param>
        /// <param name="expected">Expected encoding.</param>
        [Theory]
        [InlineData("", "")]
        [InlineData("ABCXYZabcxyz0189-_.~", "ABCXYZabcxyz0189-_.~")]
        [InlineData(" ", "%20")]
        [InlineData("a b", "a%20b")]
        [InlineData("+", "%2B")]
        [InlineData("&", "%26")]
        [InlineData("=", "%3D")]
        [InlineData("#", "%23")]
        [InlineData("~", "~")]
        [InlineData("*", "%2A")]
        [InlineData("%", "%25")]
        [InlineData("/", "%2F")]
        [InlineData("?", "%3F")]
        [InlineData("'()!", "%27%28%29%21")]
        [InlineData("\u007F", "%7F")]
        [InlineData("é", "%C3%A9")]
        [InlineData("中", "%E4%B8%AD")]
        [InlineData("一 (&=?!#%.*)", "%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29")]
        [InlineData("\uFFFD", "%EF%BF%BD")]
        [InlineData("😀", "%F0%9F%98%80")]
        [InlineData("a😀b\U0010FFFF", "a%F0%9F%98%80b%F4%8F%BF%BF")]
        public void Encode_MatchesRfc3986SdkRules(string input, string expected)
        {
            Assert.Equal(expected, SdkEncoding.Encode(input));
        }

        /// <summary>null encodes as the empty string.</summary>
        [Fact]
        public void Encode_Null_IsEmpty()
        {
            Assert.Equal(string.Empty, SdkEncoding.Encode(null));
        }

        /// <summary>
        /// A lone surrogate has no UTF-8 form and is rejected rather than silently replaced. The inputs are built in code because
        /// attribute arguments cannot carry lone surrogates (they are stored as UTF-8 and arrive as U+FFFD).
        /// </summary>
        [Fact]
        public void Encode_LoneSurrogate_Throws()
        {
            const char high = '\uD83D';
            const char low = '\uDE00';
            foreach (string input in new[] { "a" + high + "b", "a" + low + "b", high.ToString(), "x" + high, low + "" + high })
            {
                Assert.Throws<ArgumentException>(() => SdkEncoding.Encode(input));
            }

            Assert.Equal("%F0%9F%98%80", SdkEncoding.Encode(high + "" + low));
        }

        /// <summary>Canonical URI: segments encoded, '/' kept, trailing '/' appended if missing.</summary>
        /// <param name="path">Decoded path.</param>
        /// <param name="expected">Expected canonical URI.</param>
        [Theory]
        [InlineData("", "/")]
        [InlineData("/", "/")]
        [InlineData("/a/b", "/a/b/")]
        [InlineData("/a/b/", "/a/b/")]
        [InlineData("/a b/c", "/a%20b/c/")]
        [InlineData("/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/")]
        [InlineData("/v1.0/cdn/historytasks/abc-123/detail", "/v1.0/cdn/historytasks/abc-123/detail/")]
        [InlineData("/x/中😀+%?", "/x/%E4%B8%AD%F0%9F%98%80%2B%25%3F/")]
        [InlineData("//", "//")]
        [InlineData("a/b", "a/b/")]
        public void CanonicalUri_EncodesSegmentsAndEndsWithSlash(string path, string expected)
        {
            Assert.Equal(expected, SdkEncoding.CanonicalUri(path));
        }

        /// <summary>Spec §3.8 canonical query vector (PY test_process_canonical_query_string / GO TestSigner_canonicalQueryString).</summary>
        [Fact]
        public void CanonicalQuery_SdkVector()
        {
            var parameters = new[]
            {
                P("limit", "1"),
                P("enable", "true"),
                P("test", "一 (&=?!#%.*)"),
                P("path", "/tmp/123"),
                P("multi", "1"),
                P("multi", "2"),
                P("multi", "3"),
            };

            Assert.Equal(
                "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29",
                SdkEncoding.CanonicalQuery(parameters));
        }

        /// <summary>Spec §3.9 C1 query line.</summary>
        [Fact]
        public void CanonicalQuery_CdnVectorC1()
        {
            var parameters = new[]
            {
                P("start_time", "1700006400000"),
                P("end_time", "1700092800000"),
                P("offset", "0"),
                P("limit", "100"),
                P("task_type", "REFRESH"),
                P("status", "succeed"),
                P("url", "https://www.example.com/a b/中.png"),
            };

            Assert.Equal(
                "end_time=1700092800000&limit=100&offset=0&start_time=1700006400000&status=succeed&task_type=REFRESH&url=https%3A%2F%2Fwww.example.com%2Fa%20b%2F%E4%B8%AD.png",
                SdkEncoding.CanonicalQuery(parameters));
        }

        /// <summary>No parameters (empty or null) give the empty string.</summary>
        [Fact]
        public void CanonicalQuery_NoParameters_IsEmpty()
        {
            Assert.Equal(string.Empty, SdkEncoding.CanonicalQuery(Array.Empty<KeyValuePair<string, string>>()));
            Assert.Equal(string.Empty, SdkEncoding.CanonicalQuery(null));
        }

        /// <summary>An empty (or null) value keeps the '='.</summary>
        [Fact]
        public void CanonicalQuery_EmptyValue_KeepsEquals()
        {
            Assert.Equal("a=&b=&c=1", SdkEncoding.CanonicalQuery(new[] { P("c", "1"), P("b", null), P("a", string.Empty) }));
        }

        /// <summary>Repeated names are all emitted, sorted by value.</summary>
        [Fact]
        public void CanonicalQuery_RepeatedNames_SortedByValue()
        {
            Assert.Equal("m=1&m=2&m=3&z=0", SdkEncoding.CanonicalQuery(new[] { P("z", "0"), P("m", "3"), P("m", "1"), P("m", "2") }));
        }

        /// <summary>Sorting is ordinal (not culture) and on the unencoded strings: '{' (0x7B) sorts after 'a' although "%7B" would sort before it; 'B' sorts before 'a'.</summary>
        [Fact]
        public void CanonicalQuery_SortsOrdinalOnUnencodedStrings()
        {
            Assert.Equal("B=3&a=1&%7B=2", SdkEncoding.CanonicalQuery(new[] { P("{", "2"), P("a", "1"), P("B", "3") }));
        }

        /// <summary>A null or empty parameter name is rejected.</summary>
        [Fact]
        public void CanonicalQuery_EmptyName_Throws()
        {
            Assert.Throws<ArgumentException>(() => SdkEncoding.CanonicalQuery(new[] { P(string.Empty, "1") }));
            Assert.Throws<ArgumentException>(() => SdkEncoding.CanonicalQuery(new[] { P(null, "1") }));
        }
    }
}
