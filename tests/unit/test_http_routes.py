"""The API's route table, its input checks and the OpenAPI document drawn from it."""

import unittest

from firmware.http import check, openapi, routes

PORTABLE = True


class RoutesTest(unittest.TestCase):
    def test_find(self):
        route, params = routes.find("GET", "/logs/ups-events")
        self.assertEqual((route.op, params), ("logs.show", {"log": "ups-events"}))
        route, params = routes.find("GET", "/logs/history/csv")
        self.assertEqual(route.op, "logs.csv")
        self.assertEqual(routes.find("HEAD", "/ups")[0].path, "/ups")
        self.assertEqual(routes.find("PUT", "/ups"), (None, None))
        self.assertEqual(routes.find("GET", "/nothing"), (None, None))

    def test_roles_are_ordered(self):
        self.assertTrue(routes.allowed("read", "admin"))
        self.assertTrue(routes.allowed("write", "write"))
        self.assertFalse(routes.allowed("write", "read"))
        self.assertFalse(routes.allowed("admin", "write"))
        self.assertFalse(routes.allowed("read", "anon"))

    def test_every_state_change_needs_a_session_but_the_login(self):
        for route in routes.ROUTES:
            if route.changes_state and route.path != "/session":
                self.assertNotEqual(route.role, "anon", route.path)
            self.assertIn(route.role, routes.ROLES)

    def test_the_manual_roles(self):
        need = {("POST", "/commands/{name}"): "write", ("POST", "/config"): "write",
                ("POST", "/config/restore"): "admin", ("GET", "/config/backup"): "admin",
                ("POST", "/accounts"): "admin", ("POST", "/certificate"): "admin",
                ("DELETE", "/logs/{log}"): "write", ("GET", "/logs/{log}/csv"): "write",
                ("POST", "/config/reset"): "admin"}
        table = {(r.method, r.path): r.role for r in routes.ROUTES}
        for key, role in need.items():
            self.assertEqual(table[key], role, key)

    def test_body_checks(self):
        route = routes.find("POST", "/config")[0]
        self.assertEqual(check.request_args(route, {}, {}, {"assignments": ["a=1"]}),
                         {"assignments": ["a=1"]})
        for bad in ({}, {"assignments": []}, {"assignments": "a=1"}, {"assignments": [1]},
                    {"assignments": ["a"], "other": 1}, [], "x"):
            with self.assertRaises(ValueError):
                check.request_args(route, {}, {}, bad)

    def test_query_checks(self):
        route = routes.find("GET", "/logs/history")[0]
        args = check.request_args(route, {"log": "history"}, {"page": "2", "sort": "level"}, None)
        self.assertEqual(args, {"log": "history", "page": 2, "sort": "level"})
        for bad in ({"page": "x"}, {"page": "0"}, {"per_page": "5000"}, {"sort": "name"},
                    {"unknown": "1"}):
            with self.assertRaises(ValueError):
                check.request_args(route, {"log": "history"}, bad, None)
        with self.assertRaises(ValueError):
            check.request_args(route, {"log": "../etc"}, {}, None)

    def test_openapi_document(self):
        doc = openapi.document("1.0")
        self.assertEqual(doc["openapi"], "3.0.3")
        self.assertEqual(len([m for p in doc["paths"].values() for m in p]), len(routes.ROUTES))
        login = doc["paths"]["/api/v1/session"]["post"]
        self.assertNotIn("security", login)
        change = doc["paths"]["/api/v1/config"]["post"]
        self.assertIn("X-CSRF-Token", [p["name"] for p in change["parameters"]])
        ids = [op["operationId"] for p in doc["paths"].values() for op in p.values()]
        self.assertEqual(len(ids), len(set(ids)))


if __name__ == "__main__":
    unittest.main()
