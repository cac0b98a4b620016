import Testing
import Syntax
@testable import Evaluation

@Suite struct EvaluatorTests {
    @Test func precedence() throws {
        #expect(try eval("1 + 2 * 3").i == 7)
        #expect(try eval("2 ^ 3 ^ 2").i == 512)
        #expect(try eval("-2 ^ 2").i == 4)
        #expect(try eval("(1 + 2) * 3").i == 9)
        #expect(try eval("1 < 2 && 2 < 3 || false").b == true)
        #expect(try eval("!true == false").b == true)
    }

    @Test func integerArithmetic() throws {
        #expect(try eval("-5 / 2").i == -2)
        #expect(try eval("-7 % 3").i == -1)
        #expect(try eval("5 % -3").i == 2)
        #expect(try eval("9223372036854775807 + 1").i == Int64.min)
        #expect(try eval("2 ^ -1").i == 2)
        #expect(try eval("2 ^ 64").i == 0)
        #expect(try eval("010").i == 8)
        #expect(try eval("08").d == 8.0)
        #expect(try eval("7.5 % 2").d == 1.5)
        #expect(try eval("1 / 2.0").d == 0.5)
        #expect(try eval("2.0 ^ 0.5").d! > 1.414)
    }

    @Test func comparisonAndEquality() throws {
        #expect(try eval("1 == \"1\"").b == false)
        #expect(try eval("3 == 3.00").b == true)
        #expect(try eval("\"10\" < \"9\"").b == true)
        #expect(try eval("[1, {a = 2}] == [1, {a = 2}]").b == true)
        #expect(try eval("null == null").b == true)
        #expect(try eval("string.join == string.join").b == false)
    }

    @Test func stringsAndCollections() throws {
        #expect(try eval("\"a\" + \"b\"").s == "ab")
        #expect(try eval("[1, 2][1.9]").i == 2)
        #expect(try eval("{a = 1}[\"missing\"]").typeName == "null")
        #expect(try eval("{a = {b = \"c\"}}.a.b").s == "c")
        #expect(try eval("`raw\\n`").s == "raw\\n")
        #expect(try eval("\"tab\\there\"").s == "tab\there")
    }

    @Test func errorMessagesNameTheExpression() {
        #expect(evalError("1 / 0") == "0 divide by zero error")
        #expect(evalError("\"a\" + 1") == "1 should be string, got number")
        #expect(evalError("true < 1") == "true should be one of [number string] for binop <, got bool")
        #expect(evalError("[1, 2][5]") == "5 index 5 is out of range of array with length 2")
        #expect(evalError("\"a\"[0]") == "\"a\" expected object or array, got string")
        #expect(evalError("nope") == "identifier \"nope\" does not exist")
        #expect(evalError("{a = 1}.b") == "field \"b\" does not exist")
        #expect(evalError("1.a") == nil || evalError("(1).a") == "cannot access field \"a\" on value of type number")
        #expect(evalError("string.join([\"a\"])") == "string.join expected 2 args, got 1")
        #expect(evalError("1(2)") == "1 should be function, got number")
        #expect(evalError("true || 1 / 0 == 1") == "0 divide by zero error")
        #expect(evalError("array.concat([1], 2)") == "2 should be array, got number")
    }
}
