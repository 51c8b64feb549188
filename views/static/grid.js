/* "Catalogul meu": keyboard-first entry in the grade grid (vanilla JS, no framework).
 * Enter saves the typed mark (fetch, JSON) and the row is replaced in place with the server's
 * new rendering (chips, live average, warnings); arrows move between the input cells; a click on
 * a chip opens a <dialog> to change or delete it with a reason. Without JavaScript the same form
 * posts normally and the links open plain pages. */
(function () {
  "use strict";
  var form = document.getElementById("grid-form");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var status = document.getElementById("grid-status");
  var dateInput = document.getElementById("entry-date");
  var periodId = form.getAttribute("data-period-id");

  function say(message, ok) {
    status.textContent = message || "";
    status.className = "grid-status " + (ok ? "good" : "bad");
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!data.message && !response.ok) {
          data.message = "Eroare la salvare (" + response.status + "). Reîncărcați pagina și încercați din nou.";
        }
        return { ok: response.ok && data.ok === true, data: data };
      });
    }, function () {
      return { ok: false, data: { message: "Nu există legătură cu serverul. Nota nu a fost salvată; încercați din nou." } };
    });
  }

  function rowOf(enrolmentId) {
    return form.querySelector('tr[data-enrolment-id="' + enrolmentId + '"]');
  }

  function replaceRow(enrolmentId, html) {
    var old = rowOf(enrolmentId);
    if (!old || !html) { return null; }
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("tr");
    old.parentNode.replaceChild(fresh, old);
    return fresh;
  }

  function inputsOfKind(kind) {
    return Array.prototype.slice.call(form.querySelectorAll('input.grid-input[data-kind="' + kind + '"]:not([disabled])'));
  }

  function focusCell(input) {
    if (input) { input.focus(); input.select(); return true; }
    return false;
  }

  function moveVertical(input, step) {
    var list = inputsOfKind(input.getAttribute("data-kind"));
    return focusCell(list[list.indexOf(input) + step]);
  }

  function moveSideways(input, step) {
    var cells = Array.prototype.slice.call(input.closest("tr").querySelectorAll("input.grid-input:not([disabled])"));
    return focusCell(cells[cells.indexOf(input) + step]);
  }

  function errorOf(input) {
    return input.parentNode.querySelector(".cell-error");
  }

  function clearError(input) {
    var error = errorOf(input);
    if (error) { error.textContent = ""; }
    input.removeAttribute("aria-invalid");
  }

  function save(input) {
    var value = input.value.trim();
    if (!value || input.getAttribute("aria-busy") === "true") { return; }
    var row = input.closest("tr");
    var enrolmentId = row.getAttribute("data-enrolment-id");
    var kind = input.getAttribute("data-kind");
    input.setAttribute("aria-busy", "true");
    postJson(form.getAttribute("action"), {
      enrolment_id: enrolmentId, value: value, kind: kind, given_on: dateInput.value, period_id: periodId
    }).then(function (result) {
      input.removeAttribute("aria-busy");
      if (result.ok) {
        var fresh = replaceRow(enrolmentId, result.data.html);
        say(result.data.message, true);
        if (fresh) {
          var chips = fresh.querySelectorAll(kind === "thesis" ? ".thesis .chip" : ".marks .chip");
          if (chips.length) { chips[chips.length - 1].classList.add("fresh"); }
          focusCell(fresh.querySelector('input.grid-input[data-kind="' + kind + '"]:not([disabled])') ||
                    fresh.querySelector("input.grid-input:not([disabled])"));
        }
        return;
      }
      var error = errorOf(input);
      if (error) { error.textContent = result.data.message || "Nota nu a fost salvată."; }
      input.setAttribute("aria-invalid", "true");
      say(result.data.message, false);
      input.focus();
    });
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("grid-input")) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
    switch (event.key) {
      case "Enter":
        event.preventDefault();
        save(input);
        break;
      case "ArrowDown":
        event.preventDefault();
        moveVertical(input, 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        moveVertical(input, -1);
        break;
      case "ArrowLeft":
        if (atStart && moveSideways(input, -1)) { event.preventDefault(); }
        break;
      case "ArrowRight":
        if (atEnd && moveSideways(input, 1)) { event.preventDefault(); }
        break;
      default:
        break;
    }
  });

  form.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("grid-input")) { clearError(event.target); }
  });

  /* Dialogs: change or delete a mark, delete an absence; the reason is required. */
  var markDialog = document.getElementById("mark-dialog");
  var absenceDialog = document.getElementById("absence-dialog");
  var canDialog = markDialog && typeof markDialog.showModal === "function";
  var openedFrom = null;

  function openDialog(dialog, chip, subject) {
    var dialogForm = dialog.querySelector("form");
    dialogForm.setAttribute("action", chip.href);
    dialog.querySelector(".dialog-subject").textContent = subject;
    dialog.querySelector(".dialog-error").textContent = "";
    dialogForm.querySelector("input[name=reason]").value = "";
    openedFrom = chip.closest("tr").getAttribute("data-enrolment-id");
    dialog.showModal();
  }

  if (canDialog) {
    form.addEventListener("click", function (event) {
      var chip = event.target.closest && event.target.closest("a.chip");
      if (!chip) { return; }
      if (chip.hasAttribute("data-mark-id")) {
        event.preventDefault();
        markDialog.querySelector("input[name=value]").value = chip.getAttribute("data-value");
        openDialog(markDialog, chip, chip.getAttribute("data-student") + ": " + chip.getAttribute("data-value") +
                   " din " + chip.getAttribute("data-date"));
        markDialog.querySelector("input[name=value]").select();
      } else if (chip.hasAttribute("data-absence-id")) {
        event.preventDefault();
        openDialog(absenceDialog, chip, chip.getAttribute("data-student") + ": absența din " +
                   chip.getAttribute("data-label"));
        absenceDialog.querySelector("input[name=reason]").focus();
      }
    });

    [markDialog, absenceDialog].forEach(function (dialog) {
      var dialogForm = dialog.querySelector("form");
      dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
      dialog.addEventListener("close", function () {
        var row = openedFrom && rowOf(openedFrom);
        focusCell(row && row.querySelector("input.grid-input:not([disabled])"));
      });
      dialogForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var action = (event.submitter && event.submitter.value) || "change";
        var valueInput = dialogForm.querySelector("input[name=value]");
        var body = {
          action: action,
          reason: dialogForm.querySelector("input[name=reason]").value,
          value: valueInput ? valueInput.value : null,
          period_id: periodId
        };
        postJson(dialogForm.getAttribute("action"), body).then(function (result) {
          if (result.ok) {
            replaceRow(result.data.enrolment_id, result.data.html);
            say(result.data.message, true);
            dialog.close();
          } else {
            dialog.querySelector(".dialog-error").textContent = result.data.message || "Modificarea nu a fost salvată.";
          }
        });
      });
    });
  }
}());
