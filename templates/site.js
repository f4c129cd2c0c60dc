/* tthc: search, filters and sorting for the procedure listing.
 *
 * Plain JavaScript with no library and no request of any kind: the data
 * is embedded in the page (<script type="application/json" id="tthc-data">)
 * so the listing works from file:// on an offline kiosk. Without
 * JavaScript the full table is still there; the search form stays hidden.
 */
(function () {
  "use strict";

  /* Same folding as tthc.text.fold: no diacritics, đ → d, lower case,
     single spaces, so "dang ky khai sinh" finds "Đăng ký khai sinh". */
  function fold(value) {
    return String(value)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  var printButtons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(printButtons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  var dataElement = document.getElementById("tthc-data");
  var table = document.getElementById("danh-sach");
  var form = document.getElementById("bo-loc");
  if (!dataElement || !table || !form) {
    return;
  }

  var entries = JSON.parse(dataElement.textContent);
  var body = table.tBodies[0];
  var rows = [];
  Array.prototype.forEach.call(body.rows, function (row) {
    rows[Number(row.getAttribute("data-i"))] = row;
  });
  var status = document.getElementById("ket-qua");
  var empty = document.getElementById("khong-co");
  var fields = form.elements;

  function matches(entry, tokens, wanted) {
    for (var t = 0; t < tokens.length; t += 1) {
      if (entry.fold.indexOf(tokens[t]) === -1) {
        return false;
      }
    }
    if (wanted.field && entry.field !== wanted.field) {
      return false;
    }
    if (wanted.level && entry.levels.indexOf(wanted.level) === -1) {
      return false;
    }
    if (wanted.agency && entry.agencies.indexOf(wanted.agency) === -1) {
      return false;
    }
    if (wanted.online === "co") {
      if (entry.online === "khong") {
        return false;
      }
    } else if (wanted.online && entry.online !== wanted.online) {
      return false;
    }
    if (wanted.postal && (wanted.postal === "co") !== entry.postal) {
      return false;
    }
    return true;
  }

  function apply() {
    var tokens = fold(fields.q.value).split(" ").filter(Boolean);
    var wanted = {
      field: fields.field.value,
      level: fields.level.value,
      agency: fields.agency.value,
      online: fields.online.value,
      postal: fields.postal.value
    };
    var shown = 0;
    entries.forEach(function (entry, i) {
      var ok = matches(entry, tokens, wanted);
      rows[i].hidden = !ok;
      if (ok) {
        shown += 1;
      }
    });
    status.textContent = shown === entries.length
      ? "Hiển thị tất cả " + shown + " thủ tục."
      : "Tìm thấy " + shown + " trong số " + entries.length + " thủ tục.";
    empty.hidden = shown !== 0;
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });

  /* Sorting: Python precomputed each row's rank in Vietnamese order for
     each sortable column, so no browser collation is needed. */
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(table.querySelectorAll("button[data-sort]"), function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      var cell = button.parentNode;
      var ascending = cell.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (header) {
        if (header.hasAttribute("aria-sort")) {
          header.setAttribute("aria-sort", "none");
        }
      });
      cell.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var order = entries.map(function (entry, i) {
        return i;
      });
      order.sort(function (a, b) {
        var diff = entries[a].rank[key] - entries[b].rank[key];
        return ascending ? diff : -diff;
      });
      order.forEach(function (i) {
        body.appendChild(rows[i]);
      });
    });
  });

  apply();
}());
