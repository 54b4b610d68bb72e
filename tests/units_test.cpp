// Tests of quantity parsing (units.hpp): every unit kind and every error kind.
#include "gemini/units.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace gemini {
namespace {

// The message of the UnitError that parsing `text` throws ("" when it parses).
std::string error_of(Quantity quantity, const std::string& text) {
  try {
    parse_quantity(quantity, text);
  } catch (const UnitError& e) {
    return e.what();
  }
  return "";
}

TEST(UnitsTest, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration_s("62s"), 62);
  EXPECT_DOUBLE_EQ(parse_duration_s("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(parse_duration_s("2.5us"), 2.5e-6);
  EXPECT_DOUBLE_EQ(parse_duration_s("10ns"), 10e-9);
  EXPECT_DOUBLE_EQ(parse_duration_s("4min"), 240);
  EXPECT_DOUBLE_EQ(parse_duration_s("3h"), 3 * 3600);
  EXPECT_DOUBLE_EQ(parse_duration_s("54d"), 54 * 86400);
  EXPECT_DOUBLE_EQ(parse_duration_s("1w"), 7 * 86400);
  EXPECT_DOUBLE_EQ(parse_duration_s("2weeks"), 14 * 86400);
  EXPECT_DOUBLE_EQ(parse_duration_s("2 hours"), 7200);
  EXPECT_DOUBLE_EQ(parse_duration_s(" 62 s "), 62);
  EXPECT_DOUBLE_EQ(parse_duration_s("1e3s"), 1000);
  EXPECT_DOUBLE_EQ(parse_duration_s("0"), 0);  // a bare 0 needs no unit
}

TEST(UnitsTest, Sizes) {
  EXPECT_DOUBLE_EQ(parse_size_bytes("128MB"), 128e6);
  EXPECT_DOUBLE_EQ(parse_size_bytes("1.2TB"), 1.2e12);
  EXPECT_DOUBLE_EQ(parse_size_bytes("40GiB"), 40.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(parse_size_bytes("512KiB"), 512.0 * 1024);
  EXPECT_DOUBLE_EQ(parse_size_bytes("512 B"), 512);
  EXPECT_DOUBLE_EQ(parse_size_bytes("2kB"), 2000);
}

TEST(UnitsTest, Bandwidths) {
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("400Gbps"), 50e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("20Gbps"), 2.5e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("100Mbps"), 12.5e6);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("1.5GB/s"), 1.5e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("800MB/s"), 800e6);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("12GiB/s"), 12.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(parse_bandwidth_bytes_per_s("3200 Gbps"), 400e9);
}

TEST(UnitsTest, FlopRates) {
  EXPECT_DOUBLE_EQ(parse_flop_rate_flops("312TFLOPS"), 312e12);
  EXPECT_DOUBLE_EQ(parse_flop_rate_flops("989 TFLOP/s"), 989e12);
  EXPECT_DOUBLE_EQ(parse_flop_rate_flops("1EFLOPS"), 1e18);  // 'E' is a prefix, not an exponent
}

TEST(UnitsTest, FailureRates) {
  EXPECT_DOUBLE_EQ(parse_failure_rate_per_s("1.5%/day"), 0.015 / 86400);
  EXPECT_DOUBLE_EQ(parse_failure_rate_per_s("0.015/day"), 0.015 / 86400);
  EXPECT_DOUBLE_EQ(parse_failure_rate_per_s("2/week"), 2.0 / 604800);
  EXPECT_DOUBLE_EQ(parse_failure_rate_per_s("1/h"), 1.0 / 3600);
  EXPECT_DOUBLE_EQ(parse_failure_rate_per_s("1.5 % / day"), 0.015 / 86400);
}

TEST(UnitsTest, Fractions) {
  EXPECT_DOUBLE_EQ(parse_fraction("78%"), 0.78);
  EXPECT_DOUBLE_EQ(parse_fraction("0.78"), 0.78);
  EXPECT_DOUBLE_EQ(parse_fraction("100 %"), 1);
  EXPECT_DOUBLE_EQ(parse_fraction("0"), 0);
}

TEST(UnitsTest, BareNumberNamesTheExpectedKindWithAnExample) {
  EXPECT_EQ(error_of(Quantity::duration, "62"),
            "expected a duration with a unit, e.g. 62s; got '62'");
  EXPECT_NE(error_of(Quantity::size, "128").find("expected a size with a unit, e.g. 128MB"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::bandwidth, "400").find("expected a bandwidth with a unit"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::flop_rate, "312").find("expected a FLOP rate with a unit"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::failure_rate, "0.015").find("e.g. 1.5%/day"), std::string::npos);
}

TEST(UnitsTest, Errors) {
  EXPECT_NE(error_of(Quantity::duration, "").find("empty value; expected a duration"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::duration, "   ").find("empty value"), std::string::npos);
  EXPECT_NE(error_of(Quantity::duration, "-5s").find("must not be negative"), std::string::npos);
  EXPECT_NE(error_of(Quantity::size, "nan").find("not a finite number"), std::string::npos);
  EXPECT_NE(error_of(Quantity::size, "-inf B").find("not a finite number"), std::string::npos);
  EXPECT_NE(error_of(Quantity::duration, "1e999s").find("not a finite number"), std::string::npos);
  EXPECT_NE(error_of(Quantity::duration, "soon").find("got 'soon'"), std::string::npos);
  EXPECT_NE(error_of(Quantity::duration, "3parsecs").find("unknown duration unit 'parsecs'"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::size, "128Mb").find("unknown size unit 'Mb'"), std::string::npos);
  EXPECT_NE(error_of(Quantity::bandwidth, "20GB").find("(did you mean 'GB/s'?)"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::flop_rate, "3 TIPS").find("unknown FLOP rate unit"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::failure_rate, "1.5%/fortnight").find("'fortnight'"),
            std::string::npos);
  EXPECT_NE(error_of(Quantity::failure_rate, "1.5%").find("with a period"), std::string::npos);
  EXPECT_NE(error_of(Quantity::fraction, "120%").find("between 0 and 1"), std::string::npos);
  EXPECT_NE(error_of(Quantity::fraction, "2").find("between 0 and 1"), std::string::npos);
  EXPECT_NE(error_of(Quantity::fraction, "78 percent").find("unknown fraction unit"),
            std::string::npos);
}

TEST(UnitsTest, QuantityNames) {
  EXPECT_STREQ(to_string(Quantity::duration), "duration");
  EXPECT_STREQ(to_string(Quantity::failure_rate), "failure rate");
}

}  // namespace
}  // namespace gemini
