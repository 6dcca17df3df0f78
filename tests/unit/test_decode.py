"""Decoding register images into NUT values, flags, identity and ups.status, and the encoders."""

import unittest

from firmware.ups import decode
from firmware.ups.maps import load

PORTABLE = True

JBUSP = load("jbusp")
VUMAP = load("vumap")
STS = load("sts")


def _image(*pairs, **kw):
    """Image from (address, word) pairs; fill=True sets the rest of the JBUSP measures to -1."""
    image = {}
    if kw.get("fill"):
        for row in JBUSP.MEASURES:
            image[row[1]] = 0xFFFF
    for address, word in pairs:
        image[address] = word
    return image


def _flags(mapping, *acronyms):
    image = {}
    for acronym in acronyms:
        rows = mapping.STATUS if acronym.startswith("S") else mapping.ALARMS
        decode.set_flag(image, decode.flag_row(rows, acronym), True)
    return decode.decode_flags(mapping.STATUS, image), decode.decode_flags(mapping.ALARMS, image)


class FlagTest(unittest.TestCase):
    def test_decode_flags_table(self):
        table = (
            ({0x1020: 0x0000}, {}),
            ({0x1020: 0x0001}, {"S00": (None, "Rectifier Input supply present")}),
            ({0x1020: 0x0028}, {"S03": ("I", "Load protected by inverter"),
                                "S05": ("W", "On battery / Battery discharging")}),
            ({0x1020: 0x8000, 0x1021: 0x0001}, {"S15": ("C", "Battery near end of backup time"),
                                                "S16": ("C", "Battery discharged")}),
            ({0x1021: 0x0800}, {"S27": (None, "Battery charging")}),
            ({0x1021: 0x0004}, {}),             # S18: no readable description, not reported
            ({0x1023: 0x0001}, {"S48": ("W", "Maintenance mode active")}),
            ({}, {}),                           # block not read: nothing
        )
        for image, expected in table:
            self.assertEqual(decode.decode_flags(JBUSP.STATUS, image), expected, image)

    def test_alarm_words(self):
        alarms = decode.decode_flags(JBUSP.ALARMS, {0x1041: 0x8000, 0x1043: 0x0002})
        self.assertEqual(alarms, {"A31": ("C", "Imminent STOP"), "A49": ("C", "Battery discharged")})

    def test_set_flag_round_trip(self):
        image = {}
        row = decode.flag_row(JBUSP.STATUS, "S27")
        decode.set_flag(image, row, True)
        self.assertEqual(image, {0x1021: 0x0800})
        decode.set_flag(image, decode.flag_row(JBUSP.STATUS, "S16"), True)
        self.assertEqual(image, {0x1021: 0x0801})
        decode.set_flag(image, row, False)
        self.assertEqual(image, {0x1021: 0x0001})
        self.assertRaises(KeyError, decode.flag_row, JBUSP.STATUS, "S99")


class JbuspMeasureTest(unittest.TestCase):
    def test_three_phase_table(self):
        image = _image(
            (0x1060, 41), (0x1061, 42), (0x1062, 43), (0x1063, 42), (0x1064, 100),
            (0x1065, 1205), (0x1066, 230), (0x1067, 231), (0x1068, 232),
            (0x1069, 229), (0x106A, 230), (0x106B, 231), (0x106F, 123), (0x1070, 0),
            (0x1071, 0xFFFF), (0x1072, 500), (0x1073, 499), (0x1074, 4321), (0x1076, 25),
            (0x1077, 0xFFFF), (0x1078, 0xFFF6), (0x1084, 104), (0x108B, 501), fill=True)
        expected = {
            "output.L1.power.percent": 41, "output.L2.power.percent": 42,
            "output.L3.power.percent": 43, "ups.load": 42, "battery.charge": 100,
            "battery.capacity": 120.5,
            "input.bypass.L1-N.voltage": 230, "input.bypass.L2-N.voltage": 231,
            "input.bypass.L3-N.voltage": 232, "input.bypass.voltage": 230,
            "output.L1-N.voltage": 229, "output.L2-N.voltage": 230, "output.L3-N.voltage": 231,
            "output.voltage": 229,
            "output.L1.current": 12.3, "output.L2.current": 0.0,   # L3 -1: absent
            "input.bypass.frequency": 50.0, "output.frequency": 49.9, "battery.voltage": 432.1,
            "ambient.temperature": 25,                            # runtime -1: on mains
            "battery.current": -1.0, "ups.realpower": 10400, "input.frequency": 50.1,
        }
        self.assertEqual(decode.decode_measures(JBUSP, image), expected)

    def test_single_phase_uses_plain_names(self):
        # NETYS: phase 2 and 3 words are -1, as NUT's socomec_jbus detects single phase.
        image = _image((0x1060, 35), (0x1063, 35), (0x1066, 228), (0x1069, 230),
                       (0x106F, 48), (0x1077, 12), (0x1081, 229), fill=True)
        self.assertEqual(decode.decode_measures(JBUSP, image), {
            "ups.load": 35, "input.bypass.voltage": 228, "output.voltage": 230,
            "output.current": 4.8, "battery.runtime": 720, "input.voltage": 229})

    def test_types_stay_int_unless_scaled(self):
        values = decode.decode_measures(JBUSP, {0x1077: 7, 0x1074: 2300, 0x1063: 5})
        self.assertIs(type(values["battery.runtime"]), int)
        self.assertIs(type(values["ups.load"]), int)
        self.assertIs(type(values["battery.voltage"]), float)
        self.assertEqual(values["battery.voltage"], 230.0)

    def test_not_managed_is_absent_even_when_signed(self):
        values = decode.decode_measures(JBUSP, {0x1078: 0xFFFF, 0x1076: 0xFFFF})
        self.assertEqual(values, {})
        self.assertEqual(decode.decode_measures(JBUSP, {0x1076: 0xFFFB}),
                         {"ambient.temperature": -5})

    def test_encode_measures_round_trip(self):
        values = {"battery.current": -12.5, "battery.runtime": 600, "ups.realpower": 5300,
                  "output.L1-N.voltage": 230, "output.L2-N.voltage": 231,
                  "battery.capacity": 65.5}
        image = decode.encode_measures(JBUSP, values)
        self.assertEqual(image[0x1078], 0xFF83)
        self.assertEqual(image[0x1077], 10)
        self.assertEqual(image[0x1084], 53)
        self.assertEqual(image[0x1061], 0xFFFF)
        decoded = decode.decode_measures(JBUSP, image)
        for name, value in values.items():
            self.assertEqual(decoded[name], value, name)
        self.assertEqual(decoded["output.voltage"], 230)

    def test_encode_measure_rejects_what_does_not_fit(self):
        row = [r for r in JBUSP.MEASURES if r[0] == "M24"][0]
        self.assertRaises(ValueError, decode.encode_measure, row, -0.1)    # would read as -1
        self.assertRaises(ValueError, decode.encode_measure, row, 4000.0)
        row = [r for r in JBUSP.MEASURES if r[0] == "M04"][0]
        self.assertRaises(ValueError, decode.encode_measure, row, -3)
        self.assertEqual(decode.encode_measure(row, None), 0xFFFF)


class AsciiTest(unittest.TestCase):
    def test_jbusp_serial_char_order(self):
        # T03: MSB = char 2, LSB = char 1 ("AB" -> 0x4241), as NUT's socomec_jbus reads it.
        self.assertEqual(decode.encode_ascii("ABCDEFGHIJ", 5),
                         [0x4241, 0x4443, 0x4645, 0x4847, 0x4A49])
        image = {0x1003 + i: w for i, w in enumerate([0x4241, 0x4443, 0x4645, 0x4847, 0x4A49])}
        self.assertEqual(decode.decode_ascii(image, 0x1003, 5), "ABCDEFGHIJ")

    def test_msb_first_padding_and_missing(self):
        self.assertEqual(decode.encode_ascii("ABC", 3, lsb_first=False), [0x4142, 0x4300, 0])
        self.assertEqual(decode.decode_ascii({0: 0x4142, 1: 0x4300, 2: 0}, 0, 3, False), "ABC")
        self.assertEqual(decode.decode_ascii({0: 0x2020, 1: 0xFFFF}, 0, 2), "")
        self.assertIsNone(decode.decode_ascii({0: 0x4142}, 0, 2))
        self.assertRaises(ValueError, decode.encode_ascii, "caf\u00e9", 2)


class JbuspIdentityTest(unittest.TestCase):
    def _ident(self, code, *extra):
        pairs = [(0x1000, code), (0x1001, 100), (0x1002, 1)]
        pairs += [(0x1003 + i, w) for i, w in enumerate(decode.encode_ascii("S123456789", 5))]
        pairs += [(0x10E0, 230), (0x10E1, 230), (0x10E2, 50), (0x10E3, 50), (0x10E4, 105),
                  (0x10E8, 650), (0x10EA, 2)]
        return _image(*(pairs + list(extra)))

    def test_values(self):
        values, device = decode.decode_identity(JBUSP, self._ident(257))
        self.assertEqual(values, {
            "device.mfr": "Socomec", "ups.mfr": "Socomec", "device.model": "MASTERYS 3/3 UPS",
            "ups.model": "MASTERYS 3/3 UPS", "device.type": "ups", "device.serial": "S123456789",
            "ups.serial": "S123456789", "ups.firmware": "1.05", "ups.power.nominal": 10000,
            "input.voltage.nominal": 230, "output.voltage.nominal": 230,
            "input.frequency.nominal": 50, "output.frequency.nominal": 50,
            "battery.capacity.nominal": 65.0, "outlet.count": 2,
            "input.phases": 3, "output.phases": 3})
        self.assertEqual(device, {"mapping": "jbusp", "factor": 1, "type_code": 257,
                                  "range": "MASTERYS 3/3 UPS", "architecture": "single",
                                  "units": 1, "modules": 0, "present": [], "identified": True,
                                  "known_range": True})

    def test_architecture_table(self):
        table = (
            # (type code, status words, range, architecture, units, present)
            (29, (), "NETYS", "single", 1, []),
            (514, (), "DELPHYS MP SINGLE UNIT", "single", 1, []),
            (1016, ((0x1021, 0x4000), (0x1022, 0x0007)), "DELPHYS MP SYSTEM", "parallel", 3, [1, 2, 3]),
            # a single-unit type code with "UPS on parallel system" (S30) and units 1, 2, 4
            (257, ((0x1021, 0x4000), (0x1022, 0x000B)), "MASTERYS 3/3 UPS", "parallel", 3, [1, 2, 4]),
            # unit bits without S30 on a single UPS mean nothing
            (257, ((0x1022, 0x0003),), "MASTERYS 3/3 UPS", "single", 1, []),
            (22, ((0x1021, 0x4000), (0x1022, 0x0003)), "MODULYS 1/1 SYSTEM", "modular-system", 2, [1, 2]),
            (21, ((0x1021, 0x4000), (0x1022, 0x0001)), "MODULYS 1/1 UPS", "modular-system", 1, [1]),
            (9999, (), "JBUSP type 9999", "single", 1, []),
        )
        for code, words, rng, arch, units, present in table:
            values, device = decode.decode_identity(JBUSP, self._ident(code, *words))
            self.assertEqual((device["range"], device["architecture"], device["units"],
                              device["present"]), (rng, arch, units, present), code)
            self.assertEqual(values["device.model"], rng)

    def test_modular_unit_counts_modules(self):
        _, device = decode.decode_identity(JBUSP, self._ident(84, (0x1002, 4)))
        self.assertEqual((device["architecture"], device["modules"]), ("modular", 4))


class JbuspIdentificationTest(unittest.TestCase):
    def test_not_managed_everywhere_is_no_identification(self):
        image = {a: 0xFFFF for a in range(0x1000, 0x100C)}
        image.update({a: 0xFFFF for a in range(0x1020, 0x1024)})
        _values, device = decode.decode_identity(JBUSP, image)
        self.assertFalse(device["identified"])
        self.assertEqual((device["architecture"], device["units"]), ("single", 1))

    def test_an_unknown_type_is_polled_as_a_single_ups(self):
        image = {0x1000: 257, 0x1021: 0xFFFF, 0x1022: 0xFFFF}   # parallel, units 1..6 present
        _values, device = decode.decode_identity(JBUSP, image)
        self.assertEqual((device["architecture"], device["units"]), ("parallel", 6))
        image[0x1000] = 4242                                     # the same bits, unknown type
        _values, device = decode.decode_identity(JBUSP, image)
        self.assertTrue(device["identified"])
        self.assertFalse(device["known_range"])
        self.assertEqual((device["range"], device["architecture"], device["units"]),
                         ("JBUSP type 4242", "single", 1))


class JbuspStatusTest(unittest.TestCase):
    def test_status_table(self):
        table = (
            (("S01", "S03"), "OL"),
            (("S03", "S27"), "OL CHRG"),
            (("S05",), "OB DISCHRG"),
            (("S05", "S27"), "OB DISCHRG"),             # charging bit is stale on battery
            (("S05", "S15"), "OB LB DISCHRG"),
            (("S05", "S16"), "OB LB DISCHRG"),
            (("S04",), "OL BYPASS"),
            (("S03", "S04", "S07"), "OL ECO"),         # eco mode: the load on the bypass line
            (("S04", "S07"), "OL ECO"),                # by design, not "on bypass"
            (("A08",), "OL BYPASS ALARM"),             # maintenance bypass closed (W)
            (("S03", "S10"), "OL CAL"),
            (("S03", "S14"), "OL RB"),
            (("S03", "A02"), "OL OVER ALARM"),
            (("S03", "A03"), "OL"),                    # A03 has no level: not reported
            (("S03", "A30"), "OL OVER"),
            ((), "OFF"),                               # load supplied by nothing
            (("S27",), "CHRG OFF"),
        )
        for acronyms, expected in table:
            statuses, alarms = _flags(JBUSP, *acronyms)
            self.assertEqual(decode.ups_status(JBUSP, statuses, alarms), expected, acronyms)

    def test_eco_mode_buzzwords(self):
        statuses, _ = _flags(JBUSP, "S04", "S07")
        self.assertEqual(decode.derived_values(JBUSP, statuses),
                         {"experimental.ups.mode.buzzwords": "vendor:socomec:eco"})
        self.assertEqual(decode.derived_values(JBUSP, _flags(JBUSP, "S04")[0]), {})
        statuses, _ = _flags(VUMAP, "S006", "S007")
        self.assertEqual(decode.derived_values(VUMAP, statuses)["experimental.ups.mode.buzzwords"],
                         "vendor:socomec:eco vendor:socomec:energy-saver")

    def test_low_charge_threshold_from_values(self):
        statuses, alarms = _flags(JBUSP, "S05")
        low = {"battery.charge": 20, "battery.charge.low": 20}
        self.assertEqual(decode.ups_status(JBUSP, statuses, alarms, low), "OB LB DISCHRG")
        ok = {"battery.charge": 21, "battery.charge.low": 20}
        self.assertEqual(decode.ups_status(JBUSP, statuses, alarms, ok), "OB DISCHRG")

    def test_ups_alarm(self):
        _, alarms = _flags(JBUSP, "A02", "A03", "A31")
        self.assertEqual(decode.ups_alarm(alarms), "UPS overload; Imminent STOP")
        self.assertIsNone(decode.ups_alarm({}))


class ClockTest(unittest.TestCase):
    def test_jbusp_clock_as_socomec_jbus_reads_it(self):
        # 2024-03-15 13:45:30: word0 = min:sec, word1 = day:hour, word2 = month:0, word3 = year-2000
        image = {0x1360: 0x2D1E, 0x1361: 0x0F0D, 0x1362: 0x0300, 0x1363: 24}
        self.assertEqual(decode.encode_clock(JBUSP, (2024, 3, 15, 13, 45, 30)), image)
        clock = decode.decode_clock(JBUSP, image)
        self.assertEqual(clock, (2024, 3, 15, 13, 45, 30))
        self.assertEqual(decode.clock_values(clock),
                         {"ups.date": "2024/03/15", "ups.time": "13:45:30"})

    def test_invalid_or_missing_clock(self):
        self.assertIsNone(decode.decode_clock(JBUSP, {}))
        self.assertIsNone(decode.decode_clock(JBUSP, {0x1360: 0, 0x1361: 0, 0x1362: 0, 0x1363: 0}))
        self.assertIsNone(decode.decode_clock(JBUSP, {0x1360: 0xFFFF, 0x1361: 0x0F0D,
                                                      0x1362: 0x0300, 0x1363: 24}))
        self.assertEqual(decode.clock_values(None), {})


class VumapTest(unittest.TestCase):
    def _config(self, t001, count=0, positions=0, t014=0, reference=0x8100):
        image = {0x0001: t001, 0x0002: count, 0x0003: positions, 0x0004: 0, 0x0005: 250,
                 0x0006: 225, 0x0007: 0x0303, 0x0008: 0x0009, 0x0009: 0x0001, 0x000A: 0x0001,
                 0x000E: t014, 0x000F: reference}
        for i, w in enumerate(decode.encode_ascii("MGP2-25K", 10, lsb_first=False)):
            image[0x0010 + i] = w
        return image

    def test_measurement_factor_t014(self):
        # (T014, raw words, expected): only the rows whose format changes with T014 scale.
        table = (
            (0, {0x0044: 25, 0x004A: 230, 0x004D: 500, 0x0050: 410, 0x0057: 65},
             {"ups.power": 25000, "output.voltage": 230, "output.frequency": 50.0,
              "battery.voltage": 410, "battery.capacity": 65}),
            (1, {0x0044: 251, 0x004A: 230, 0x004D: 500, 0x0050: 4105, 0x0057: 655},
             {"ups.power": 25100, "output.voltage": 230, "output.frequency": 50.0,
              "battery.voltage": 410.5, "battery.capacity": 65.5}),
        )
        for t014, words, expected in table:
            image = dict(words)
            image[0x000E] = t014
            factor = decode.measure_factor(VUMAP, image)
            self.assertEqual(factor, 10 if t014 else 1)
            self.assertEqual(decode.decode_measures(VUMAP, image, factor), expected, t014)

    def test_signed_battery_current_and_absent(self):
        image = {0x0052: 0xFF9C, 0x0053: 0xFFFF, 0x004F: 0xFFEC, 0x0058: 0xFFFF}
        self.assertEqual(decode.decode_measures(VUMAP, image, 10),
                         {"battery.current": -10.0, "ambient.temperature": -2.0})

    def test_encode_with_factor_round_trip(self):
        values = {"ups.power": 25100, "battery.current": -10.5, "output.L1-N.voltage": 230,
                  "output.L2-N.voltage": 231, "output.L3-N.voltage": 229, "battery.runtime": 900}
        image = decode.encode_measures(VUMAP, values, 10)
        self.assertEqual((image[0x0044], image[0x0052], image[0x0058]), (251, 0xFF97, 15))
        decoded = decode.decode_measures(VUMAP, image, 10)
        for name, value in values.items():
            self.assertEqual(decoded[name], value, name)

    def test_identity(self):
        values, device = decode.decode_identity(VUMAP, self._config(0x0101, t014=0))
        self.assertEqual(values["device.model"], "MODULYS GP 2.0")
        self.assertEqual(values["device.serial"], "MGP2-25K")
        self.assertEqual(values["ups.power.nominal"], 250000)   # T014 = 0: kVA
        self.assertEqual(values["ups.realpower.nominal"], 225000)
        self.assertEqual((values["input.phases"], values["output.phases"]), (3, 3))
        self.assertEqual(device["factor"], 1)
        self.assertEqual(device["functions"], ["eco mode enabled", "genset present"])
        self.assertEqual(device["environment"], ["external transformer"])
        self.assertEqual(device["dc_storage"], ["battery present"])
        values, device = decode.decode_identity(VUMAP, self._config(0x0101, t014=1))
        self.assertEqual(values["ups.power.nominal"], 25000)    # T014 = 1: kVA*10
        self.assertEqual(values["ups.realpower.nominal"], 22500)
        self.assertEqual(device["factor"], 10)

    def test_architecture_from_t001_t002_t003(self):
        table = (
            # (T001, T002, T003, architecture, units, modules, present)
            (0x0101, 1, 0x0001, "single", 1, 0, []),
            (0x0801, 4, 0x000F, "modular", 1, 4, [1, 2, 3, 4]),
            (0x0901, 3, 0x0015, "modular", 1, 3, [1, 3, 5]),
            (0x0601, 3, 0x0007, "parallel", 3, 0, [1, 2, 3]),
            (0x0608, 2, 0x2003, "modular-system", 2, 0, [1, 2]),  # b13: bypass module
            (0x0702, 1, 0x0001, "single", 1, 0, []),              # unknown code
        )
        for t001, count, positions, arch, units, modules, present in table:
            _, device = decode.decode_identity(VUMAP, self._config(t001, count, positions))
            self.assertEqual((device["architecture"], device["units"], device["modules"],
                              device["present"]), (arch, units, modules, present), hex(t001))
            self.assertEqual(device["bypass_module"], bool(positions & 0x2000))
            self.assertEqual(device["installation"], t001)

    def test_unknown_reference(self):
        values, device = decode.decode_identity(VUMAP, self._config(0x0101, reference=0x1234))
        self.assertEqual(device["range"], "VU-MAP reference 0x1234")

    def test_status_table(self):
        table = (
            (("S000", "S036"), "OL CHRG"),
            (("S000", "S032"), "OL"),
            (("A019",), "OB DISCHRG ALARM"),                   # operating on battery is W
            (("A019", "A018", "S036"), "OB LB DISCHRG ALARM"),
            (("S002",), "OL BYPASS"),
            (("S002", "S006"), "OL ECO"),                      # eco mode, not on bypass
            (("S002", "S007"), "OL ECO"),                      # energy saver, likewise
            (("S003", "S006"), "OL BYPASS ECO"),               # maintenance bypass is bypass
            (("S003", "S017"), "OL BYPASS"),
            (("S004",), "OFF"),
            (("S000", "S034"), "OL CAL"),
            (("S000", "A001"), "OL OVER ALARM"),
            (("S000", "A008"), "OL"),                          # no level: not an alarm
            ((), "OL"),                                        # only S004 says the load is off
        )
        for acronyms, expected in table:
            statuses, alarms = _flags(VUMAP, *acronyms)
            self.assertEqual(decode.ups_status(VUMAP, statuses, alarms), expected, acronyms)

    def test_plain_clock(self):
        words = decode.encode_clock(VUMAP, (2025, 12, 31, 23, 59, 58))
        self.assertEqual(words, {0x0028: 2025, 0x0029: 12, 0x002A: 31, 0x002B: 23,
                                 0x002C: 59, 0x002D: 58})
        self.assertEqual(decode.decode_clock(VUMAP, words), (2025, 12, 31, 23, 59, 58))
        words[0x0029] = 13
        self.assertIsNone(decode.decode_clock(VUMAP, words))

    def test_no_remote_disabled_bit(self):
        self.assertIsNone(decode.remote_disabled(VUMAP, {}))


class StsTest(unittest.TestCase):
    def test_identity(self):
        image = {}
        for i, w in enumerate(decode.encode_ascii("STATYS 200A", 10, lsb_first=False)):
            image[0x0100 + i] = w
        for i, w in enumerate(decode.encode_ascii("ST0001", 10, lsb_first=False)):
            image[0x0116 + i] = w
        values, device = decode.decode_identity(STS, image)
        self.assertEqual(values["device.type"], "sts")
        self.assertEqual(values["device.model"], "STATYS")
        self.assertEqual(values["device.part"], "STATYS 200A")
        self.assertEqual(values["device.serial"], "ST0001")
        self.assertEqual((device["architecture"], device["units"]), ("single", 1))

    def test_measures(self):
        image = {0x0220: 230, 0x0221: 231, 0x0222: 229, 0x0226: 500, 0x0228: 228,
                 0x0229: 0xFFFF, 0x022A: 0xFFFF, 0x0230: 230, 0x0231: 230, 0x0232: 230,
                 0x023D: 37, 0x023F: 0xFFFE, 0x0243: 95, 0x0253: 45, 0x024F: 243}
        self.assertEqual(decode.decode_measures(STS, image), {
            "input.1.L1-N.voltage": 230, "input.1.L2-N.voltage": 231,
            "input.1.L3-N.voltage": 229, "input.1.voltage": 230, "input.1.frequency": 50.0,
            "input.2.voltage": 228,                   # source 2 single phase: plain name
            "output.L1-N.voltage": 230, "output.L2-N.voltage": 230, "output.L3-N.voltage": 230,
            "output.voltage": 230, "ups.load": 37, "input.phase.shift": -2,
            "output.powerfactor": 0.95, "ups.realpower": 45000, "ambient.temperature": 24.3})

    def test_status_table(self):
        table = (
            (("S000", "S006", "S017", "S028"), "OL"),
            (("S018",), "OL ALARM"),          # load on the alternate source: a warning
            (("S003", "S018", "S024"), "OL ALARM"),
            (("S019",), "OFF ALARM"),
            (("S020",), "OL BYPASS ALARM"),
            (("A003",), "OL OVER ALARM"),
        )
        for acronyms, expected in table:
            statuses, alarms = _flags(STS, *acronyms)
            self.assertEqual(decode.ups_status(STS, statuses, alarms), expected, acronyms)

    def test_the_source_feeding_the_load_and_the_preferred_one(self):
        for acronyms, source, preferred in ((("S016", "S017", "S023"), 1, 1),
                                            (("S016", "S018", "S024"), 2, 1),
                                            (("S017", "S024"), 2, 2),
                                            (("S019",), None, 2)):
            statuses, _ = _flags(STS, *acronyms)
            values = decode.derived_values(STS, statuses)
            self.assertEqual(values.get("input.source"), source, acronyms)
            self.assertEqual(values["input.source.preferred"], preferred, acronyms)

    def test_remote_controls_enabled_bit_is_inverse(self):
        statuses, _ = _flags(STS, "S045")
        self.assertIs(decode.remote_disabled(STS, statuses), False)
        self.assertIs(decode.remote_disabled(STS, {}), True)
        statuses, _ = _flags(JBUSP, "S06")
        self.assertIs(decode.remote_disabled(JBUSP, statuses), True)
        self.assertIs(decode.remote_disabled(JBUSP, {}), False)


if __name__ == "__main__":
    unittest.main()
