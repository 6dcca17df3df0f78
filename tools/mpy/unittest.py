"""A small unittest stand-in for MicroPython, installed as /lib/unittest.py by tools/mpy/run.mjs.

The WebAssembly port freezes micropython-lib's unittest, which cannot await async tests; the
runner puts this one first on sys.path. It covers what the portable tests use:
TestCase (setUp/tearDown, setUpClass/tearDownClass, addCleanup, subTest, the common assert*
methods, assertRaises as a call or a context manager), skip decorators, and
IsolatedAsyncioTestCase whose `async def test_*` methods (and asyncSetUp/asyncTearDown) are
awaited. Everything runs inside one asyncio task started by the runner, because the port has no
asyncio.run: write async tests as `async def` methods, never with asyncio.run or compat.run.
"""

import sys


class SkipTest(Exception):
    """Raised to skip the running test."""


def _is_awaitable(value):
    # MicroPython's coroutines are generators; CPython's have __await__.
    return hasattr(value, "send") and hasattr(value, "throw")


def skip(reason):
    def decorator(item):
        item.__unittest_skip__ = reason
        return item

    return decorator


def skipIf(condition, reason):
    return skip(reason) if condition else (lambda item: item)


def skipUnless(condition, reason):
    return skip(reason) if not condition else (lambda item: item)


def expectedFailure(item):
    item.__unittest_expected_failure__ = True
    return item


class _AssertRaises:
    def __init__(self, case, expected, pattern=None):
        self.case = case
        self.expected = expected
        self.pattern = pattern
        self.exception = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        name = getattr(self.expected, "__name__", str(self.expected))
        if exc_type is None:
            self.case.fail("%s not raised" % name)
        if not issubclass(exc_type, self.expected):
            return False  # let the unexpected exception through, as unittest does
        self.exception = exc
        if self.pattern is not None:
            import re

            if not re.search(self.pattern, str(exc)):
                self.case.fail("%r does not match %r" % (str(exc), self.pattern))
        return True


class _SubTest:
    def __init__(self, case, msg, params):
        self.case = case
        self.label = msg if msg is not None else ", ".join("%s=%r" % kv for kv in params.items())

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, AssertionError):
            raise AssertionError("[%s] %s" % (self.label, exc))
        return False


class TestCase:
    """Test methods named test_* run in name order, each on a fresh instance."""

    longMessage = True
    maxDiff = None

    def __init__(self, method_name="runTest"):
        self._method_name = method_name
        self._cleanups = []

    def id(self):
        return "%s.%s" % (type(self).__name__, self._method_name)

    def __str__(self):
        return "%s (%s)" % (self._method_name, type(self).__name__)

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def setUp(self):
        pass

    def tearDown(self):
        pass

    def addCleanup(self, function, *args, **kwargs):
        self._cleanups.append((function, args, kwargs))

    def doCleanups(self):
        while self._cleanups:
            function, args, kwargs = self._cleanups.pop()
            function(*args, **kwargs)

    def skipTest(self, reason):
        raise SkipTest(reason)

    def subTest(self, msg=None, **params):
        return _SubTest(self, msg, params)

    def fail(self, msg=None):
        raise AssertionError(msg or "test failed")

    def _message(self, msg, standard):
        return standard if msg is None else "%s : %s" % (standard, msg)

    def assertEqual(self, first, second, msg=None):
        if not first == second:
            self.fail(self._message(msg, "%r != %r" % (first, second)))

    def assertNotEqual(self, first, second, msg=None):
        if not first != second:
            self.fail(self._message(msg, "%r == %r" % (first, second)))

    assertListEqual = assertTupleEqual = assertDictEqual = assertSetEqual = assertEqual
    assertSequenceEqual = assertMultiLineEqual = assertEqual

    def assertTrue(self, expr, msg=None):
        if not expr:
            self.fail(self._message(msg, "%r is not true" % (expr,)))

    def assertFalse(self, expr, msg=None):
        if expr:
            self.fail(self._message(msg, "%r is not false" % (expr,)))

    def assertIs(self, first, second, msg=None):
        if first is not second:
            self.fail(self._message(msg, "%r is not %r" % (first, second)))

    def assertIsNot(self, first, second, msg=None):
        if first is second:
            self.fail(self._message(msg, "unexpectedly identical: %r" % (first,)))

    def assertIsNone(self, obj, msg=None):
        if obj is not None:
            self.fail(self._message(msg, "%r is not None" % (obj,)))

    def assertIsNotNone(self, obj, msg=None):
        if obj is None:
            self.fail(self._message(msg, "unexpectedly None"))

    def assertIn(self, member, container, msg=None):
        if member not in container:
            self.fail(self._message(msg, "%r not found in %r" % (member, container)))

    def assertNotIn(self, member, container, msg=None):
        if member in container:
            self.fail(self._message(msg, "%r unexpectedly found in %r" % (member, container)))

    def assertIsInstance(self, obj, cls, msg=None):
        if not isinstance(obj, cls):
            self.fail(self._message(msg, "%r is not an instance of %r" % (obj, cls)))

    def assertNotIsInstance(self, obj, cls, msg=None):
        if isinstance(obj, cls):
            self.fail(self._message(msg, "%r is an instance of %r" % (obj, cls)))

    def assertGreater(self, a, b, msg=None):
        if not a > b:
            self.fail(self._message(msg, "%r not greater than %r" % (a, b)))

    def assertGreaterEqual(self, a, b, msg=None):
        if not a >= b:
            self.fail(self._message(msg, "%r not greater than or equal to %r" % (a, b)))

    def assertLess(self, a, b, msg=None):
        if not a < b:
            self.fail(self._message(msg, "%r not less than %r" % (a, b)))

    def assertLessEqual(self, a, b, msg=None):
        if not a <= b:
            self.fail(self._message(msg, "%r not less than or equal to %r" % (a, b)))

    def assertAlmostEqual(self, first, second, places=None, msg=None, delta=None):
        if first == second:
            return
        if delta is not None:
            if abs(first - second) <= delta:
                return
            standard = "%r != %r within %r delta" % (first, second, delta)
        else:
            places = 7 if places is None else places
            if round(abs(second - first), places) == 0:
                return
            standard = "%r != %r within %r places" % (first, second, places)
        self.fail(self._message(msg, standard))

    def assertNotAlmostEqual(self, first, second, places=7, msg=None):
        if round(abs(second - first), places) == 0:
            self.fail(self._message(msg, "%r == %r within %r places" % (first, second, places)))

    def assertCountEqual(self, first, second, msg=None):
        a, b = list(first), list(second)
        for item in a:
            if item in b:
                b.remove(item)
            else:
                self.fail(self._message(msg, "%r has an extra %r" % (first, item)))
        if b:
            self.fail(self._message(msg, "%r lacks %r" % (first, b)))

    def assertRegex(self, text, pattern, msg=None):
        import re

        if not re.search(pattern, text):
            self.fail(self._message(msg, "%r does not match %r" % (text, pattern)))

    def assertRaises(self, expected, *args, **kwargs):
        context = _AssertRaises(self, expected)
        if not args:
            return context
        with context:
            args[0](*args[1:], **kwargs)
        return context

    def assertRaisesRegex(self, expected, pattern, *args, **kwargs):
        context = _AssertRaises(self, expected, pattern)
        if not args:
            return context
        with context:
            args[0](*args[1:], **kwargs)
        return context

    async def _run_hook(self, name):
        result = getattr(self, name)()
        if _is_awaitable(result):
            await result

    async def _run(self, result):
        method = getattr(self, self._method_name)
        reason = getattr(method, "__unittest_skip__", None) or getattr(
            type(self), "__unittest_skip__", None
        )
        if reason:
            result.addSkip(self, reason)
            return
        expect_failure = getattr(method, "__unittest_expected_failure__", False)
        try:
            await self._run_hook("setUp")
            try:
                outcome = method()
                if _is_awaitable(outcome):
                    await outcome
            finally:
                await self._run_hook("tearDown")
                self.doCleanups()
        except SkipTest as exc:
            result.addSkip(self, str(exc))
        except AssertionError as exc:
            if expect_failure:
                result.addSuccess(self)
            else:
                result.addFailure(self, exc)
        except Exception as exc:  # a test that raises is an error, never a pass
            result.addError(self, exc)
        else:
            if expect_failure:
                result.addFailure(self, AssertionError("unexpected success"))
            else:
                result.addSuccess(self)


class IsolatedAsyncioTestCase(TestCase):
    """Async tests: asyncSetUp, `async def test_*`, asyncTearDown, all awaited in order."""

    async def asyncSetUp(self):
        pass

    async def asyncTearDown(self):
        pass

    async def _run_hook(self, name):
        if name == "setUp":
            await TestCase._run_hook(self, "setUp")
            await self.asyncSetUp()
        else:
            await self.asyncTearDown()
            await TestCase._run_hook(self, "tearDown")


class TestResult:
    def __init__(self, stream_print=print):
        self.testsRun = 0
        self.failures = []
        self.errors = []
        self.skipped = []
        self._print = stream_print

    def addSuccess(self, test):
        self.testsRun += 1
        self._print("%s ... ok" % test)

    def addSkip(self, test, reason):
        self.testsRun += 1
        self.skipped.append((test, reason))
        self._print("%s ... skipped %r" % (test, reason))

    def addFailure(self, test, exc):
        self.testsRun += 1
        self.failures.append((test, exc))
        self._print("%s ... FAIL" % test)
        _print_exception(exc)

    def addError(self, test, exc):
        self.testsRun += 1
        self.errors.append((test, exc))
        self._print("%s ... ERROR" % test)
        _print_exception(exc)

    def wasSuccessful(self):
        return not self.failures and not self.errors


def _print_exception(exc):
    if hasattr(sys, "print_exception"):
        sys.print_exception(exc)
    else:  # CPython, when this module is tried outside MicroPython
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__)


def _test_classes(module):
    classes = []
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if isinstance(obj, type) and issubclass(obj, TestCase) and obj not in (
            TestCase,
            IsolatedAsyncioTestCase,
        ):
            classes.append(obj)
    return classes


async def run_module(module):
    """Run every TestCase subclass of a module; the TestResult."""
    result = TestResult()
    for cls in _test_classes(module):
        names = sorted(n for n in dir(cls) if n.startswith("test") and callable(getattr(cls, n)))
        if not names:
            continue
        try:
            cls.setUpClass()
        except Exception as exc:
            result.addError(cls("setUpClass"), exc)
            continue
        for name in names:
            await cls(name)._run(result)
        try:
            cls.tearDownClass()
        except Exception as exc:
            result.addError(cls("tearDownClass"), exc)
    print(
        "Ran %d tests: %d failures, %d errors, %d skipped"
        % (result.testsRun, len(result.failures), len(result.errors), len(result.skipped))
    )
    return result


def main(module="__main__", **_ignored):
    """`unittest.main()` in a test file: nothing to do here, the runner imports the module."""
    return None
