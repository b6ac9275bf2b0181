-- Headless Neovim: attach efm-langserver (running goroutinelint) to a leaky
-- and a fixed file, save each, and write what vim.diagnostic.get() holds as
-- JSON to $EDITOR_RESULT. Run by integration/editor_test.go.
local dir = vim.env.EDITOR_FIXTURE
local published = {}
local default = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  local fname = vim.uri_to_fname(result.uri)
  published[fname] = (published[fname] or 0) + 1
  return default(err, result, ctx, config)
end

local client = vim.lsp.start_client({
  name = 'efm',
  cmd = { 'efm-langserver', '-c', dir .. '/efm.yaml' },
  root_dir = dir,
})

local results = {}
for _, rel in ipairs({ 'leaky/leaky.go', 'fixed/fixed.go' }) do
  local path = dir .. '/' .. rel
  vim.cmd('edit ' .. path)
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'go'
  vim.lsp.buf_attach_client(buf, client)
  published[path] = 0
  vim.cmd('write')
  local done = vim.wait(120000, function() return (published[path] or 0) > 0 end, 50)
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(diags, { line = d.lnum + 1, col = d.col + 1, message = d.message })
  end
  results[rel] = { published = done, diagnostics = diags }
end

local f = io.open(vim.env.EDITOR_RESULT, 'w')
f:write(vim.fn.json_encode(results))
f:close()
vim.cmd('qa!')
